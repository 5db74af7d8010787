// The SwiftUI screens of the shell. They only render a view model's `state`
// and call its methods. Compiled on Apple platforms only: Linux has no
// SwiftUI, so this file is not built by the Linux suite (see README, iOS).
#if canImport(SwiftUI)
    import SwiftUI
    import WalletKit

    /// The app's root: sign-in until unlocked, then the wallet's tabs. An
    /// Xcode app target shows it from its `@main` `App` (`WindowGroup { RootView(...) }`).
    public struct RootView: View {
        @StateObject private var auth: AuthViewModel
        private let client: WalletClient
        private let language: AppLanguage

        /// The shell for `client`, speaking `language`.
        public init(client: WalletClient, language: AppLanguage) {
            self.client = client
            self.language = language
            _auth = StateObject(wrappedValue: AuthViewModel(client: client, language: language))
        }

        public var body: some View {
            if auth.state.step == .unlocked {
                TabView {
                    HomeView(model: HomeViewModel(client: client, language: language))
                        .tabItem { Text(UIText.home.text(language)) }
                    ScanView(client: client, language: language)
                        .tabItem { Text(UIText.scan.text(language)) }
                    HistoryView(model: HistoryViewModel(client: client, language: language))
                        .tabItem { Text(UIText.history.text(language)) }
                    SettingsView(model: SettingsViewModel(client: client, language: language))
                        .tabItem { Text(UIText.settings.text(language)) }
                }
            } else {
                AuthView(model: auth)
            }
        }
    }

    /// An amount as the person reads it (the currency's own decimals).
    func display(_ money: Money) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .currency
        formatter.currencyCode = money.currency
        let digits = formatter.maximumFractionDigits
        let value = Decimal(money.minor) / pow(Decimal(10), digits)
        return formatter.string(from: value as NSDecimalNumber) ?? "\(money.minor) \(money.currency)"
    }

    /// Text typed as an amount, in minor units of `currency` (nil when unreadable).
    func minorUnits(_ text: String, currency: String) -> Money? {
        let formatter = NumberFormatter()
        formatter.numberStyle = .currency
        formatter.currencyCode = currency
        guard let value = Decimal(string: text) else { return nil }
        var scaled = value * pow(Decimal(10), formatter.maximumFractionDigits)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return Money(minor: NSDecimalNumber(decimal: rounded).int64Value, currency: currency)
    }

    /// A failure line: the core's message and the request id for support.
    struct ErrorLine: View {
        let error: ScreenError?
        var body: some View {
            if let error {
                VStack(alignment: .leading) {
                    Text(error.message).foregroundStyle(.red)
                    if let id = error.requestId { Text(id).font(.caption2).foregroundStyle(.secondary) }
                }
            }
        }
    }

    /// A movement's result.
    struct ResultLine: View {
        let result: MovementResult?
        let language: AppLanguage
        /// The word for success (`.paid` on the pay screen, `.done` elsewhere).
        var doneLabel: UIText = .done
        var body: some View {
            switch result {
            case let .done(_, amount)?: Text("\(doneLabel.text(language)) \(display(amount))")
            case let .failed(error)?: ErrorLine(error: error)
            case .canceled?: Text(UIText.canceled.text(language))
            case .pending?: Text(UIText.pending.text(language))
            case nil: EmptyView()
            }
        }
    }

    /// Register, log in (two steps) and unlock.
    struct AuthView: View {
        @ObservedObject var model: AuthViewModel
        @State private var phone = ""
        @State private var password = ""
        @State private var code = ""
        var body: some View {
            let l = model.language
            Form {
                switch model.state.step {
                case .signedOut, .registered:
                    TextField(UIText.phone.text(l), text: $phone)
                    SecureField(UIText.password.text(l), text: $password)
                    Button(UIText.logIn.text(l)) { Task { await model.logIn(identifier: phone, password: password) } }
                    Button(UIText.register.text(l)) { Task { await model.requestRegisterCode(phone: phone) } }
                case .registerCodeSent:
                    TextField(UIText.code.text(l), text: $code)
                    Button(UIText.register.text(l)) {
                        Task { await model.register(phone: phone, password: password, code: code, displayName: nil) }
                    }
                case .secondFactor:
                    TextField(UIText.code.text(l), text: $code)
                    Button(UIText.confirm.text(l)) { Task { await model.verify(code: code) } }
                case .locked:
                    SecureField(UIText.password.text(l), text: $password)
                    Button(UIText.unlock.text(l)) { Task { await model.unlock(password: password) } }
                    #if canImport(LocalAuthentication)
                        if BiometricKeyStore.isAvailable {
                            Button(UIText.unlockWithBiometrics.text(l)) {
                                Task { await model.unlockWithBiometrics(BiometricKeyStore.make(language: l)) }
                            }
                        }
                    #endif
                case .unlocked:
                    EmptyView()
                }
                ErrorLine(error: model.state.error)
            }
            .disabled(model.state.busy)
        }
    }

    /// Home: balances, and the top-up / transfer / receive screens.
    struct HomeView: View {
        @StateObject var model: HomeViewModel
        var body: some View {
            let l = model.language
            NavigationView {
                List {
                    ForEach(model.state.balances, id: \.currency) { Text(display($0)) }
                    ErrorLine(error: model.state.error)
                    NavigationLink(UIText.topUp.text(l)) { TopUpView(model: TopUpViewModel(client: client, language: l)) }
                    NavigationLink(UIText.transfer.text(l)) {
                        TransferView(model: TransferViewModel(client: client, language: l))
                    }
                    NavigationLink(UIText.receive.text(l)) {
                        ReceiveView(model: ReceiveCodeViewModel(client: client, language: l))
                    }
                }
                .navigationTitle(UIText.balance.text(l))
                .refreshable { await model.refresh() }
                .task { await model.refresh() }
            }
        }

        private var client: WalletClient { model.client }
    }

    /// Scan: the camera's payload (a paste field stands in on the simulator), then confirm.
    struct ScanView: View {
        let client: WalletClient
        let language: AppLanguage
        @StateObject private var model: ScanViewModel
        @State private var pasted = ""

        init(client: WalletClient, language: AppLanguage) {
            self.client = client
            self.language = language
            _model = StateObject(wrappedValue: ScanViewModel(language: language))
        }

        var body: some View {
            NavigationView {
                switch model.state {
                case .scanning, .invalid:
                    Form {
                        TextField(UIText.scan.text(language), text: $pasted)
                        Button(UIText.confirm.text(language)) { model.scanned(pasted) }
                        if case let .invalid(error) = model.state { ErrorLine(error: error) }
                    }
                case let .recognized(payload, scanned):
                    PayConfirmView(model: PayConfirmViewModel(client: client, payload: payload, scanned: scanned,
                                                              language: language))
                }
            }
        }
    }

    /// Confirm and pay a scanned code.
    struct PayConfirmView: View {
        @StateObject var model: PayConfirmViewModel
        @State private var amount = ""
        var body: some View {
            let l = model.language
            let currency = model.currency(fallback: "CNY")
            Form {
                Text("\(UIText.payee.text(l)): \(model.state.scanned.payeeName ?? "—")")
                if let fixed = model.state.scanned.amount {
                    Text("\(UIText.amount.text(l)): \(fixed) \(currency)")
                } else {
                    TextField(UIText.amount.text(l), text: $amount)
                }
                if let quote = model.state.quote { Text("\(UIText.fee.text(l)): \(display(quote.fee))") }
                Button(UIText.pay.text(l)) {
                    guard let money = minorUnits(model.state.scanned.amount ?? amount, currency: currency) else { return }
                    Task { await model.confirm(amount: money) }
                }
                ResultLine(result: model.state.result, language: l, doneLabel: .paid)
                ErrorLine(error: model.state.error)
            }
            .navigationTitle(UIText.payConfirm.text(l))
            .disabled(model.state.busy)
        }
    }

    /// Top up from a bound card.
    struct TopUpView: View {
        @StateObject var model: TopUpViewModel
        @State private var amount = ""
        var body: some View {
            let l = model.language
            Form {
                TextField(UIText.amount.text(l), text: $amount)
                ForEach(model.state.cards, id: \.cardId) { card in
                    Button("\(card.bank) •••• \(card.last4)") {
                        guard let money = minorUnits(amount, currency: "CNY") else { return }
                        Task { await model.topUp(cardId: card.cardId, amount: money) }
                    }
                }
                ResultLine(result: model.state.result, language: l)
                ErrorLine(error: model.state.error)
            }
            .navigationTitle(UIText.topUp.text(l))
            .task { await model.loadCards() }
        }
    }

    /// Transfer to a phone number.
    struct TransferView: View {
        @StateObject var model: TransferViewModel
        @State private var phone = ""
        @State private var amount = ""
        var body: some View {
            let l = model.language
            Form {
                TextField(UIText.recipientPhone.text(l), text: $phone)
                TextField(UIText.amount.text(l), text: $amount)
                Button(UIText.transfer.text(l)) {
                    guard let money = minorUnits(amount, currency: "CNY") else { return }
                    Task { await model.send(to: .phone(phone: phone), amount: money) }
                }
                ResultLine(result: model.state.result, language: l)
            }
            .navigationTitle(UIText.transfer.text(l))
            .disabled(model.state.busy)
        }
    }

    /// The receive code, drawn as a QR image.
    struct ReceiveView: View {
        @StateObject var model: ReceiveCodeViewModel
        var body: some View {
            VStack {
                switch model.state {
                case .empty: ProgressView()
                case let .code(payload): QRImage(payload: payload)
                case let .failed(error): ErrorLine(error: error)
                }
            }
            .navigationTitle(UIText.receive.text(model.language))
            .task { await model.generate(currency: "CNY") }
        }
    }

    /// History with pull-to-refresh (a sync) and a stop button while it runs.
    struct HistoryView: View {
        @StateObject var model: HistoryViewModel
        var body: some View {
            let l = model.language
            NavigationView {
                List {
                    if case .running = model.state.sync {
                        Button(UIText.canceled.text(l)) { model.cancelSync() }
                    }
                    if case .cancelled = model.state.sync { Text(UIText.syncCancelled.text(l)) }
                    if case let .failed(error) = model.state.sync { ErrorLine(error: error) }
                    ForEach(model.state.items, id: \.transactionId) { item in
                        HStack { Text(item.counterparty); Spacer(); Text(display(item.amount)) }
                    }
                    if model.state.nextOffset != nil {
                        ProgressView().task { await model.loadMore() }
                    }
                }
                .navigationTitle(UIText.history.text(l))
                .refreshable { await model.refresh() }
                .task { await model.load() }
            }
        }
    }

    /// Settings and security.
    struct SettingsView: View {
        @StateObject var model: SettingsViewModel
        @State private var password = ""
        var body: some View {
            let l = model.language
            Form {
                #if canImport(LocalAuthentication)
                    if BiometricKeyStore.isAvailable, !model.state.biometricUnlock {
                        Button(UIText.biometricUnlock.text(l)) {
                            Task { await model.enableBiometricUnlock(BiometricKeyStore.make(language: l)) }
                        }
                    }
                #endif
                if model.state.profile?.status == .frozen {
                    SecureField(UIText.password.text(l), text: $password)
                    Button(UIText.unfreeze.text(l)) { Task { await model.unfreeze(password: password) } }
                } else {
                    Button(UIText.freeze.text(l)) { Task { await model.freeze() } }
                }
                Section(UIText.securityEvents.text(l)) {
                    ForEach(model.state.events, id: \.at) { Text($0.kind) }
                }
                Button(UIText.logOut.text(l)) { Task { await model.logOut() } }
                ErrorLine(error: model.state.error)
            }
            .navigationTitle(UIText.settings.text(l))
            .disabled(model.state.busy)
            .task { await model.load() }
        }
    }
#endif
