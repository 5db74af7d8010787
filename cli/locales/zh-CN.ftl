# 终端钱包的简体中文消息。
# 每条消息都必须在 en.ftl 中存在，且变量相同
# （`cargo test -p imwallet-cli catalog` 会检查）。金额和时间已按语言格式化，
# 不要再加货币符号。

## 金额、报价与回单

quote-line = 金额 { $amount }，手续费 { $fee }，扣款 { $debit }，到账 { $credit }
extra-discount = ，优惠 { $amount }
extra-points-used = ，使用积分 { $points }
extra-points-earned = ，获得积分 { $points }
transaction-line = { $kind }{ $status }：金额 { $amount }，手续费 { $fee }，钱包变动 { $effect }
transaction-with = ，对方 { $name }
card-line = { $id }  { $brand } •••• { $last4 }  { $expiry }  { $bank }  { $status }
no-balance = 0
kind-name = { $kind ->
    [top_up] 充值
    [payment] 付款
    [transfer] 转账
    [withdrawal] 提现
    [reversal] 冲正
    [fx_conversion] 货币兑换
   *[other] { $kind }
}
status-name = { $status ->
    [completed] 已完成
    [pending] 处理中
    [held] 审核中
    [rejected] 已拒绝
    [reversed] 已冲正
    [active] 可用
    [pending_verification] 待验证
    [frozen] 已冻结
    [sending] 发送中
    [unknown] 结果未知
    [failed] 失败
    [available] 可用
    [used] 已使用
    [expired] 已过期
   *[other] { $status }
}

## 表格

table-when = 时间（{ $zone }）
table-kind = 类型
table-status = 状态
table-amount = 金额
table-counterparty = 对方
table-month = 月份
table-category = 类别
table-spent = 支出
table-count = 笔数

## 命令输出

reconciled = 已完成上次运行遗留的 { $count } 笔操作。
balance-line = 余额：{ $balances }
points-line = 积分：{ $points }
qr-written = 二维码已写入 { $path }
registered = 已注册 { $name }（用户 { $user }）。登录：imwallet login { $identifier }
logged-in = 已登录：{ $name }（用户 { $user }）。
unlocked = 已解锁：{ $name }（用户 { $user }），账户状态 { $status }。
logged-out = 已退出登录；本设备上的会话已清除。
quote-label = 报价：{ $quote }
payment-line = { $kind }{ $status }：金额 { $amount }，实付 { $paid }，钱包变动 { $effect }
payee-card = { $brand ->
    [visa] Visa
    [mastercard] Mastercard
    [amex] 美国运通
    [unionpay] 银联
    [jcb] JCB
   *[other] { $brand }
} •••• { $last4 }
payee-merchant = { $name }（{ $city }）
confirm-topup = 从 { $payee } 充值
confirm-payment = 付款给 { $payee }
confirm-transfer = 转账给 { $payee }
confirm-withdrawal = 提现到 { $payee }
confirm-amount = {"  "}金额：    { $amount }
confirm-discount = {"  "}优惠：    { $amount }
confirm-points = {"  "}积分抵扣：{ $points } 分
confirm-fee = {"  "}手续费：  { $fee }
confirm-fee-none = {"  "}手续费：  无（由商户承担）
confirm-total = {"  "}实付：    { $total }
confirm-arrives = {"  "}到账：    { $credit }
confirm-points-earned = {"  "}获得积分：{ $points } 分
confirm-prompt = 确认继续？[y/N]{" "}
done-label = 完成：{ $transaction }
paid-label = 已付款：{ $transaction }
sent-label = 已转出：{ $transaction }
withdrawal-label = 提现：{ $transaction }
syncing-history = 正在同步账单
no-transactions = 还没有交易记录。
paycode-watch-hint = 每 { $seconds } 秒刷新一次；按 Ctrl-C 停止。
error-watch-json = --watch 会持续显示付款码直到按 Ctrl-C；请不要与 --json 同用（或每次需要新码时再运行 paycode --json）
paycode-hint = 请出示给商家扫码；约一分钟内有效。
card-bound = 银行卡已绑定：{ $card }
card-resumed = 这张卡正在等待验证码：{ $card }。
no-cards = 没有银行卡。
card-removed = 银行卡 { $id } 已解绑。
your-phone = 您的手机
password-changed = 密码已修改；该账户的其他会话已退出登录。
password-reset = 密码已重置。请用新密码登录：imwallet login { $identifier }
account-frozen = 账户已冻结：运行 `imwallet unfreeze` 前不会有资金变动。
account-unfrozen = 账户已解冻。
security-line = { $when }  { $kind ->
    [registered] 创建账户
    [login] 登录
    [login_failed] 登录失败
    [logout] 退出登录
    [password_reset] 重置密码
    [password_changed] 修改密码
    [password_change_failed] 修改密码失败
    [frozen] 冻结
    [unfrozen] 解冻
    [unfreeze_failed] 解冻失败
    [frozen_by_risk] 被风控冻结
    [card_bound] 绑定银行卡
    [card_removed] 解绑银行卡
    [refresh_token_reuse_detected] 发现被盗用的会话并已撤销
   *[other] { $kind }
}
no-coupons = 没有优惠券。
coupon-line = { $id }  满 { $min } 减 { $off }  有效期至 { $until }  { $status }
coupon-percent = { $percent }%
points-event = { $when }  { $delta }（{ $transaction }）
ops-none = 本设备没有未结束的资金操作。
ops-line = { $id }  { $kind }  { $state }（已发送 { $attempts } 次）
ops-reconciled = 核对完成：{ $completed } 笔已完成，{ $failed } 笔被服务器拒绝，{ $open } 笔仍未确定。

## 账单同步进度

sync-running = { $label }：
sync-unit = 笔交易
sync-stopping = { $label }：正在停止，已同步
sync-done = { $label }：完成，共
sync-cancelled = { $label }：已取消，已同步

## 输入提示

prompt-password = 密码：
prompt-new-password = 设置密码（{ $min } 到 { $max } 个字符）：
code-wrong-again = 验证码不对（还可尝试 { $attempts } 次），请重新输入。
prompt-repeat-password = 再次输入密码：
prompt-code = 发送到 { $destination } 的验证码：

## 错误（在 stderr 上 "imwallet: " 之后的一行）

error-prefix = imwallet
error-input = { $field } 无效：{ $message }
error-unreachable = 无法连接服务器 { $url }
error-admin-refused = 沙箱拒绝了 { $what }：{ $code }
error-interrupted = 已中断
error-not-confirmed = 未确认：没有资金变动（输入 y 继续，或加 --yes）
error-step = { $step } 失败：{ $reason }
error-io = 读写错误：{ $detail }
error-runtime = 无法启动异步运行时：{ $detail }
error-reader-stopped = 输入读取已停止
error-stdin-ended = 需要从标准输入读取，但输入已结束
error-empty = 为空
error-password-rule = 密码须为 { $min } 到 { $max } 个字符
error-passwords-differ = 两次输入不一致
error-unknown-card = 此账户没有银行卡 { $id }（见 `imwallet cards list`）
error-no-card = 没有已验证的银行卡：请先用 `imwallet cards add` 添加
error-not-currency = { $value } 不是支持的币种
error-amount-positive = { $value }：必须大于零
error-expiry-format = { $value }：格式应为 MM/YYYY
error-not-purpose = { $value } 不是验证码用途
error-usage-suggest = { $message }；您是不是要输入 { $suggestion }？（参见 `imwallet --help`）
error-usage = { $message }（参见 `imwallet --help`）
error-api-key-refused = 服务器 { $url } 拒绝了应用的 API 密钥：请用 --api-key 密钥 传入正确的密钥（沙盒可用 `imwallet sandbox app` 创建）
error-need-server = 请传入 --server URL（要使用的沙箱）
error-need-api-key = 请传入 --api-key KEY（应用的密钥）
error-need-operator-key = 请传入 --operator-key KEY（沙箱的运维凭证）
error-no-server-configured = 未配置服务器：请传入一次 --server URL 和 --api-key KEY（或设置 IMWALLET_SERVER 和 IMWALLET_API_KEY）
error-settings-invalid = { $path } 不是有效的设置 JSON
error-http-client = 无法创建 HTTP 客户端：{ $detail }
error-qr-encode = 无法生成二维码：{ $detail }
error-payload-refused = 付款码被拒绝：{ $kind }，位置 { $offset }：{ $message }
error-stdin-read = 无法从标准输入读取付款码：{ $detail }
error-network = 无法连接服务器（网络不可用）；未执行任何操作
error-network-at = 无法连接服务器 { $url }（网络不可用）；未执行任何操作
error-timeout = 服务器未及时响应；未执行任何操作
error-not-logged-in = 未登录：请先运行 `imwallet login`
error-vault-locked = 钱包已锁定：请输入密码解锁
error-verification = 验证失败：{ $why }
error-verification-tries = 验证失败：{ $why }（还可尝试 { $tries } 次）
code-wrong = 验证码错误
code-expired = 验证码已过期，请重新获取
code-used = 验证码已被使用
code-too-many = 错误次数过多，请重新获取验证码
error-outcome-unknown = 结果未知（操作 { $operation }）；已保留，下次运行时核对，绝不会重复执行

## `imwallet --help` 中的退出码表

exit-codes =
    退出码：
      0    成功
      1    其他失败（本地存储、读写、内部错误）
      2    付款码无效（二维码被拒绝）
      3    输入无效（金额格式错误、参数值错误）
      4    密码错误、已锁定或验证码被拒绝
      5    无法连接服务器（网络错误、超时、服务器错误）
      6    未登录，或此目录下没有账户
      7    被服务器拒绝（余额不足、银行卡被拒、账户冻结、
           未找到、冲突、请求过于频繁）
      8    结果未知：操作已保留，下次运行时核对
      9    配置问题（缺少服务器或 API 密钥、密钥被拒绝）
      10   未确认：资金操作被拒绝或没有回答；没有资金变动
      64   用法错误（未知子命令或选项）
      130  已中断（Ctrl-C）

## `imwallet qr parse`

qr-format = 格式：
qr-scheme = 方案：
qr-payee = 收款方：
qr-account = 账户：
qr-amount = 金额：
qr-currency = 币种：
qr-reference = 附言：
qr-refused = imwallet：付款码被拒绝：{ $detail }

## `imwallet --help`：版式

help-template =
    {"{"}about-with-newline{"}"}
    用法：{"{"}usage{"}"}

    {"{"}all-args{"}"}{"{"}after-help{"}"}
heading-commands = 命令
heading-arguments = 参数
heading-options = 选项
arg-help = 显示帮助
arg-version = 显示版本
help-help = 显示本帮助，或指定子命令的帮助
arg-subcommand = 要显示帮助的子命令

## `imwallet --help`：全局选项

help-imwallet = 基于 IM Wallet Core 的终端钱包，以及整个产品的演示。
arg-lang = 所有给人看的文字所用的语言：zh-CN 或 en［默认：IMWALLET_LANG，其次 LC_ALL / LC_MESSAGES / LANG］。两种语言的 --json 输出完全相同。
arg-home = 配置目录（保险库与设置）［默认：用户数据目录，如 ~/.local/share/imwallet］。
arg-server = 钱包 API 地址（https，或指向本机的 http）；首次使用时保存到配置中。
arg-api_key = 开发者应用的 API 密钥；首次使用时保存到配置中。
arg-json = 每个命令都在标准输出只打印一个 JSON 对象（错误为 {"{"}"error": {"{"}"code", "message", "retryable", "exit_code"{"}"}{"}"}）；两种语言下相同。字段见 docs/cli.md。
arg-yes = 资金操作（充值、付款、转账、提现）前不再询问：显示报价后直接执行。不加此项时从终端或标准输入的下一行读取回答；没有回答即视为否（退出码 10）。

## `imwallet --help`：命令

help-demo = 在内置沙箱（或 --server）上运行两位用户和一位商家的完整流程，逐步讲解。
arg-demo-operator_key = 外部沙箱（--server）的运维凭证；内置沙箱会自动生成自己的凭证。
help-register = 注册账户（验证码会发送到手机或邮箱）。
arg-register-identifier = E.164 格式的手机号（+8613800000000）或邮箱地址。
arg-register-name = 显示名称。
arg-register-code = 之前已发送的验证码（不再发送新的）；否则发送验证码并提示输入 / 从标准输入读取，输错时再次询问。
help-login = 用密码和第二因素登录；创建本地保险库。
arg-login-identifier = 手机号或邮箱。
arg-login-code = 第二因素验证码（否则提示输入或从标准输入读取）。
help-unlock = 解锁保险库，显示账户和余额。
help-logout = 在服务器上退出登录，并清除本设备上的会话。
help-balance = 余额和积分。
help-cards = 银行卡。
help-cards-add = 绑定银行卡（会发送验证码确认）。
arg-cards-add-number = 卡号。
arg-cards-add-expiry = 有效期，MM/YYYY。
arg-cards-add-holder = 持卡人姓名。
arg-cards-add-code = 确认验证码（否则提示输入或从标准输入读取）。
help-cards-list = 列出已绑定的银行卡。
help-cards-verify = 确认等待验证码的银行卡（除非 --code 给出已发送的验证码，否则发送新的验证码）。
arg-cards-verify-card_id = 银行卡编号（见 `imwallet cards list`）。
arg-cards-verify-code = 确认验证码（否则发送新的验证码并提示输入或从标准输入读取）。
help-cards-remove = 解绑银行卡。
arg-cards-remove-card_id = 银行卡编号。
help-quote = 在操作之前给出准确的手续费和合计。
arg-quote-operation = 要报价的操作：topup（银行卡充值到钱包）、payment（向商家付款）、transfer（转账给其他用户）、withdrawal（提现到银行卡）。
arg-quote-amount = 金额，如 100.00。
arg-quote-currency = 币种代码。
arg-quote-coupon = 使用的优惠券（付款）。
arg-quote-points = 抵扣的积分（付款）。
help-topup = 从已绑定的银行卡充值到钱包。
arg-topup-amount = 金额，如 100.00。
arg-topup-currency = 币种代码。
arg-topup-card = 银行卡编号（默认：第一张已验证的卡）。
help-pay = 付款给扫到的码（商家收款码或用户的收款码）。
arg-pay-payload = 码的内容，或用 `-` 从标准输入的第一行读取。
arg-pay-amount = 金额（码中没有金额时必填）。
arg-pay-currency = --amount 的币种代码。
arg-pay-coupon = 使用的优惠券。
arg-pay-points = 抵扣的积分。
arg-pay-memo = 账单备注。
help-transfer = 转账给其他用户。
arg-transfer-to = +手机号、邮箱、用户编号，或对方的收款码。
arg-transfer-amount = 金额。
arg-transfer-currency = 币种代码。
arg-transfer-memo = 双方账单中都会显示的备注。
help-withdraw = 提现到已绑定的银行卡（需验证码确认）。
arg-withdraw-amount = 金额。
arg-withdraw-currency = 币种代码。
arg-withdraw-card = 银行卡编号（默认：第一张已验证的卡）。
arg-withdraw-code = 提现验证码（否则提示输入或从标准输入读取）。
help-history = 同步并显示交易记录。
arg-history-limit = 显示的行数。
arg-history-offline = 不同步，显示本地缓存的记录。
help-summary = 按月份和类别统计支出。
help-receive = 以二维码显示收款码。
arg-receive-amount = 固定金额（收款码只能被支付一次）。
arg-receive-currency = 币种代码。
arg-receive-reference = 双方都能看到的附言。
arg-receive-png = 同时把二维码写入 PNG 文件。
help-password = 修改密码，或用验证码重置忘记的密码。
help-password-change = 修改密码（用当前密码解锁；新密码取自 IMWALLET_NEW_PASSWORD，否则提示输入或读取标准输入的下一行）。该账户的其他会话会退出登录。
help-password-reset = 为忘记的密码设置新密码：先输入新密码，再输入发送到手机或邮箱的验证码。
arg-password-reset-identifier = 账户的手机号或邮箱。
arg-password-reset-code = 重置验证码（否则提示输入或从标准输入读取）。
help-freeze = 立即冻结账户（手机丢失时）：运行 `unfreeze` 前不会有资金变动。
help-unfreeze = 解冻用 `freeze` 冻结的账户（需再次输入密码）。
help-security = 登录、修改密码、冻结等安全事件，最新的在前。
help-coupons = 账户的优惠券（付款时用 `pay --coupon ID` 使用）。
help-points = 积分余额及其变动，最新的在前。
help-ops = 本设备尚未结束的资金操作（被中断的付款、断开的连接）：列出，或立即与服务器核对。
help-ops-list = 列出结果仍未确定的资金操作。
help-ops-reconcile = 向服务器查询每笔未结束操作的结果，并确保只执行一次。
help-paycode = 以二维码显示离线付款码（首次使用时为本设备开通）。
arg-paycode-png = 同时把二维码写入 PNG 文件。
arg-paycode-watch = 持续显示付款码，每隔 --every 秒换一个新码，直到按 Ctrl-C（不能与 --json 同用）。
arg-paycode-every = 使用 --watch 时两次刷新之间的秒数（1 到 30）。
help-qr = 读取付款二维码的内容。
help-qr-parse = 解析付款二维码的内容并说明它是什么。
arg-qr-parse-payload = 码的文本，或用 `-` 从标准输入读取（去掉末尾的一个换行）。
help-sandbox = 运行沙箱钱包 API 服务器，或使用它的运维接口。
help-sandbox-serve = 运行沙箱 API（选项与 `imwallet-sandbox` 相同）。
arg-sandbox-serve-listen = 监听地址。端口 0 表示自动选择空闲端口。
arg-sandbox-serve-db = SQLite 数据库文件，或 `:memory:`。
arg-sandbox-serve-no_sandbox_endpoints = 关闭沙箱专用接口（/v1/sandbox/*，包括验证码发件箱），与正式部署一致。
arg-sandbox-serve-operator_key = 运维凭证：只有 X-Sandbox-Operator-Key 请求头携带它的请求才能使用运维接口（/v1/sandbox/*、POST /v1/merchants）。只保存在开发者的电脑上，切勿放进应用。
help-sandbox-app = 在沙箱上创建开发者应用并打印它的 API 密钥。
arg-sandbox-app-name = 应用名称。
help-sandbox-code = 打印沙箱最近发送到某个手机或邮箱的验证码（沙箱把验证码保存在发件箱中）。使用 --server 和 --api-key，否则使用配置中保存的值。
arg-sandbox-code-destination = 手机号或邮箱。
arg-sandbox-code-purpose = 哪种验证码：register、login、reset_password、bind_card、withdraw［默认：任意用途中最新的一条］。
arg-sandbox-code-operator_key = 沙箱的运维凭证（即它的 --operator-key）。
help-sandbox-merchant = 在沙箱上创建商户并打印其收款台二维码内容（即 `imwallet pay` 接受的内容）。
arg-sandbox-merchant-name = 商户名称。
arg-sandbox-merchant-city = 商户所在城市。
arg-sandbox-merchant-currency = 商户的结算币种。
arg-sandbox-merchant-operator_key = 沙箱的运营方凭据（即其 --operator-key）。
arg-sandbox-serve-code_ttl_s = 验证码有效期（秒）（默认：沙箱的验证码规则）。较短的值可让测试无需等待即可看到 code_expired。
arg-sandbox-serve-webhook_retry_base_ms = Webhook 首次重试间隔（毫秒）；之后每次翻倍，直到 --webhook-retry-cap-ms，并带随机抖动（默认 30 秒）。
arg-sandbox-serve-webhook_retry_cap_ms = Webhook 最长重试间隔（毫秒）（默认 1 小时）。
arg-sandbox-serve-webhook_retry_for_s = 事件发生后沙箱持续重试投递的时长（秒）（默认 3 天）。
arg-sandbox-serve-webhook_timeout_ms = 接收方对单次投递的应答时限（毫秒）（默认 10 秒）。
arg-sandbox-serve-webhook_poll_ms = 投递任务检查到期投递的间隔（毫秒）（默认 500）。
error-outbox-malformed = 沙箱发件箱的应答格式错误
code-sent-for = （{ $purpose } 验证码）

## `imwallet demo`：讲解（--json 记录中保留英文文本）

demo-section-setup = 准备
demo-section-signup = 注册与登录
demo-section-cards = 银行卡
demo-section-topup = 充值
demo-section-pay = 扫码付款
demo-section-transfer = 用收款码转账
demo-section-paycode = 离线付款码
demo-section-withdrawal = 提现
demo-section-history = 账单
demo-section-histories = 账单明细
demo-section-balances = 最终余额
demo-sandbox-embedded = 沙盒：内嵌于 { $url }（内存账本）
demo-sandbox-external = 沙盒：{ $url }
demo-merchant-created = 已创建商户“Demo Coffee”（上海，人民币）：{ $id }
demo-register-code = { $name }：注册验证码已发送到 { $destination }（从沙盒发件箱读取）
demo-registered = { $name }：注册成功，用户 { $user }
demo-logged-in = { $name }：用密码和发送到 { $destination } 的第二因素验证码登录；已创建加密保险库
demo-unlocked = { $name }：保险库已锁定，再用密码解锁（会话从保险库恢复）
demo-card-bound = { $name }：银行卡已绑定并通过验证码验证：{ $card }
demo-balance = { $name }：余额 { $balances }
demo-quote-topup = { $name }：充值报价：{ $quote }
demo-did = { $name }：{ $transaction }
demo-scanned = { $name } 扫描柜台二维码：{ $payee } 的 { $format } 码（{ $currency }）
demo-paid = { $name } 付款：{ $transaction }
demo-coupon = 商户送给 { $name } 一张优惠券：满 { $from } 减 { $off }
demo-quote-coupon = { $name }：使用优惠券和 { $points } 积分的报价：{ $quote }
demo-receive-code = { $name } 出示 { $amount } 的收款码（“{ $reference }”）：
demo-sent-by-code = { $name } 扫码转账：{ $transaction }
demo-sent-by-phone = { $name } 按手机号转账给 { $to }：{ $transaction }
demo-paycode-charged = { $name } 出示离线付款码；商户扫码收取 { $amount }（商户手续费 { $fee }）
demo-quote-withdrawal = { $name }：提现报价：{ $quote }
demo-withdrawn = { $name } 提现（验证码确认）：{ $transaction }
demo-settled = 银行完成提现结算：已完成
demo-syncing = { $name }：同步账单
demo-synced = { $name }：账单已同步：{ $pages } 次请求共 { $fetched } 笔交易，已缓存 { $cached } 笔（加密）
demo-points = { $name }：{ $points } 积分
demo-summary = { $name }：消费汇总
demo-history-of = { $name }：
demo-ledger-sound = 一致
demo-ledger-violated = 不一致
demo-ledger-check = 沙盒账本检查：{ $verdict }（{ $violations } 处违规）。
demo-done = 用时 { $total } 秒（其中 { $kdf } 秒用于由密码派生密钥的调用，含 HTTP：注册、登录、解锁）。
demo-error-listen = 无法在本机回环地址上监听：{ $detail }
demo-error-sandbox = 无法启动沙盒：{ $detail }
demo-error-unsound = 沙盒账本不一致（{ $violations } 处违规）
demo-error-differs = { $who } 的最终余额与沙盒账本不符
demo-error-check = 沙盒账本检查未能运行
demo-error-read-ledger = 无法读取沙盒账本

## 错误的处理办法，接在错误信息之后的同一行（remedy-<--json 的 code>）

remedy-insufficient_funds = 请先充值：imwallet topup 金额
remedy-card_declined = 请换一张银行卡：imwallet cards list，然后加 --card 卡 ID
remedy-wrong_password = 请检查密码（IMWALLET_PASSWORD，或标准输入的第一行）。
remedy-verification_failed = 重新运行命令以获取新验证码（沙盒中：imwallet sandbox code 手机号）。
remedy-account_frozen = 账户解冻前无法进行资金操作。
remedy-risk_hold = 结果将显示在：imwallet history
remedy-not_found = 请检查您输入的 ID、手机号或邮箱。
remedy-rate_limited = 请稍等片刻再试。
remedy-invalid_payload = 请重新扫码，或查看码的内容：imwallet qr parse 码内容
remedy-outcome_unknown = 服务器恢复后运行：imwallet ops reconcile
remedy-network = 请确认服务器正在运行且地址正确（--server 地址）。
remedy-timeout = 请重试；如有操作仍未结束：imwallet ops reconcile
remedy-server_unavailable = 请稍后再试。
remedy-relogin_required = 请重新登录：imwallet login 手机号或邮箱

## `imwallet shell`

help-shell = 交互式会话：只输入一次密码，然后像单条命令那样输入命令，支持历史记录和补全；`exit` 结束。
arg-shell-lock_after = 多少秒没有命令后忘记密码（下一条命令会再次询问）。
shell-hello = 已解锁。像在 `imwallet` 后面那样输入命令（Tab 补全，方向键调出历史）；`exit` 结束。{ $seconds } 秒没有命令后会忘记密码。
shell-locked = { $seconds } 秒没有命令，已锁定：需要再次输入密码。
shell-nested = 不能在 `imwallet shell` 中使用
shell-unclosed-quote = 引号没有闭合
