// The shell's own labels in English and Simplified Chinese (the error
// messages come from the core's catalog through WalletError instead).

/// A label of the shell, in both languages (the case names say where it is used).
public enum UIText: String, Sendable, CaseIterable {
    case home, balance, scan, pay, payConfirm, payee, amount, fee, confirm, paid, done, pending, canceled
    case topUp, transfer, recipientPhone, receive, history, syncNow, syncCancelled, settings
    case register, logIn, unlock, unlockWithBiometrics, phone, password, code, sendCode, lock
    case biometricUnlock, freeze, unfreeze, changePassword, securityEvents, logOut, tryAgain
    case biometricReason
    case payOrder, merchant, orderDescription, orderAlreadyPaid, orderClosed, orderExpired

    /// The text in `language`.
    public func text(_ language: AppLanguage) -> String {
        let (en, zh) = pair
        return language == .zhHans ? zh : en
    }

    private var pair: (String, String) {
        switch self {
        case .home: ("Wallet", "钱包")
        case .balance: ("Balance", "余额")
        case .scan: ("Scan to pay", "扫码付款")
        case .pay: ("Pay", "付款")
        case .payConfirm: ("Confirm payment", "确认付款")
        case .payee: ("Payee", "收款方")
        case .amount: ("Amount", "金额")
        case .fee: ("Fee", "手续费")
        case .confirm: ("Confirm", "确认")
        case .paid: ("Paid", "已付款")
        case .done: ("Done", "已完成")
        case .pending: ("Processing: we will confirm the result shortly.", "处理中：稍后确认结果。")
        case .canceled: ("Cancelled", "已取消")
        case .topUp: ("Top up", "充值")
        case .transfer: ("Transfer", "转账")
        case .recipientPhone: ("Recipient's phone", "收款人手机号")
        case .receive: ("Receive", "收款")
        case .history: ("History", "账单")
        case .syncNow: ("Refresh", "刷新")
        case .syncCancelled: ("Refresh stopped; the list shows what was loaded.", "刷新已停止，列表显示已加载的内容。")
        case .settings: ("Settings", "设置")
        case .register: ("Create account", "注册")
        case .logIn: ("Log in", "登录")
        case .unlock: ("Unlock", "解锁")
        case .unlockWithBiometrics: ("Unlock with Face ID", "使用面容 ID 解锁")
        case .phone: ("Phone", "手机号")
        case .password: ("Password", "密码")
        case .code: ("Verification code", "验证码")
        case .sendCode: ("Send code", "发送验证码")
        case .lock: ("Lock", "锁定")
        case .biometricUnlock: ("Unlock with Face ID / Touch ID", "使用面容 ID / 触控 ID 解锁")
        case .freeze: ("Freeze account", "冻结账户")
        case .unfreeze: ("Unfreeze account", "解冻账户")
        case .changePassword: ("Change password", "修改密码")
        case .securityEvents: ("Security events", "安全记录")
        case .logOut: ("Log out", "退出登录")
        case .tryAgain: ("Try again", "重试")
        case .biometricReason: ("Unlock your wallet", "解锁您的钱包")
        case .payOrder: ("Pay order", "支付订单")
        case .merchant: ("Merchant", "商户")
        case .orderDescription: ("Order", "订单内容")
        case .orderAlreadyPaid: ("This order has already been paid.", "该订单已支付。")
        case .orderClosed: ("The merchant closed this order.", "商户已关闭该订单。")
        case .orderExpired: ("This order has expired. Ask the merchant for a new one.", "该订单已过期，请向商户重新下单。")
        }
    }
}
