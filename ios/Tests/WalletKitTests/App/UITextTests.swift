import WalletApp
import XCTest

/// The shell's own labels exist in both languages; the language choice follows the system's.
final class UITextTests: XCTestCase {
    func testEveryLabelHasAnEnglishAndASimplifiedChineseText() {
        for label in UIText.allCases {
            let en = label.text(.en)
            let zh = label.text(.zhHans)
            XCTAssertFalse(en.isEmpty, "\(label)")
            XCTAssertFalse(isChinese(en), "\(label): \(en)")
            XCTAssertTrue(isChinese(zh), "\(label): \(zh)")
        }
    }

    func testAnyChineseLanguageCodePicksSimplifiedChinese() {
        XCTAssertEqual(AppLanguage.of(languageCode: "zh-Hans-CN"), .zhHans)
        XCTAssertEqual(AppLanguage.of(languageCode: "zh"), .zhHans)
        XCTAssertEqual(AppLanguage.of(languageCode: "en-GB"), .en)
        XCTAssertEqual(AppLanguage.of(languageCode: nil), .en)
        XCTAssertEqual(AppLanguage.zhHans.walletLocale, .zhCn)
    }
}
