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
done-label = 完成：{ $transaction }
paid-label = 已付款：{ $transaction }
sent-label = 已转出：{ $transaction }
withdrawal-label = 提现：{ $transaction }
syncing-history = 正在同步账单
no-transactions = 还没有交易记录。
paycode-hint = 请出示给商家扫码；约一分钟内有效。
card-bound = 银行卡已绑定：{ $card }
no-cards = 没有银行卡。
card-removed = 银行卡 { $id } 已解绑。
your-phone = 您的手机

## 账单同步进度

sync-running = { $label }：
sync-unit = 笔交易
sync-stopping = { $label }：正在停止，已同步
sync-done = { $label }：完成，共
sync-cancelled = { $label }：已取消，已同步

## 输入提示

prompt-password = 密码：
prompt-new-password = 设置密码：
prompt-repeat-password = 再次输入密码：
prompt-code = 发送到 { $destination } 的验证码：

## 错误（在 stderr 上 "imwallet: " 之后的一行）

error-prefix = imwallet
error-input = { $field } 无效：{ $message }
error-unreachable = 无法连接服务器 { $url }
error-admin-refused = 沙箱拒绝了 { $what }：{ $code }
error-interrupted = 已中断
error-step = { $step } 失败：{ $reason }
error-io = 读写错误：{ $detail }
error-runtime = 无法启动异步运行时：{ $detail }
error-reader-stopped = 输入读取已停止
error-stdin-ended = 需要从标准输入读取，但输入已结束
error-empty = 为空
error-passwords-differ = 两次输入不一致
error-no-card = 没有已验证的银行卡：请先用 `imwallet cards add` 添加
error-not-currency = { $value } 不是支持的币种
error-amount-positive = { $value }：必须大于零
error-expiry-format = { $value }：格式应为 MM/YYYY
error-not-purpose = { $value } 不是验证码用途
error-usage = { $message }（参见 `imwallet --help`）
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

## `imwallet --help`：命令

help-demo = 在内置沙箱（或 --server）上运行两位用户和一位商家的完整流程，逐步讲解。
arg-demo-json = 在标准输出打印一份 JSON 记录，而不是讲解流程。
arg-demo-operator_key = 外部沙箱（--server）的运维凭证；内置沙箱会自动生成自己的凭证。
help-register = 注册账户（验证码会发送到手机或邮箱）。
arg-register-identifier = E.164 格式的手机号（+8613800000000）或邮箱地址。
arg-register-name = 显示名称。
arg-register-code = 验证码（否则提示输入或从标准输入读取）。
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
arg-history-json = 打印 JSON 而不是表格。
arg-history-limit = 显示的行数。
arg-history-offline = 不同步，显示本地缓存的记录。
help-summary = 按月份和类别统计支出。
arg-summary-json = 打印 JSON 而不是表格。
help-receive = 以二维码显示收款码。
arg-receive-amount = 固定金额（收款码只能被支付一次）。
arg-receive-currency = 币种代码。
arg-receive-reference = 双方都能看到的附言。
arg-receive-png = 同时把二维码写入 PNG 文件。
help-paycode = 以二维码显示离线付款码（首次使用时为本设备开通）。
arg-paycode-png = 同时把二维码写入 PNG 文件。
help-qr = 读取付款二维码的内容。
help-qr-parse = 解析付款二维码的内容并说明它是什么。
arg-qr-parse-json = 打印一个 JSON 对象：码的内容，或 {"{"}"error": ...{"}"}。
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
arg-sandbox-serve-code_ttl_s = 验证码有效期（秒）（默认：沙箱的验证码规则）。较短的值可让测试无需等待即可看到 code_expired。
arg-sandbox-serve-webhook_retry_base_ms = Webhook 首次重试间隔（毫秒）；之后每次翻倍，直到 --webhook-retry-cap-ms，并带随机抖动（默认 30 秒）。
arg-sandbox-serve-webhook_retry_cap_ms = Webhook 最长重试间隔（毫秒）（默认 1 小时）。
arg-sandbox-serve-webhook_retry_for_s = 事件发生后沙箱持续重试投递的时长（秒）（默认 3 天）。
arg-sandbox-serve-webhook_timeout_ms = 接收方对单次投递的应答时限（毫秒）（默认 10 秒）。
arg-sandbox-serve-webhook_poll_ms = 投递任务检查到期投递的间隔（毫秒）（默认 500）。
error-outbox-malformed = 沙箱发件箱的应答格式错误
code-sent-for = （{ $purpose } 验证码）
