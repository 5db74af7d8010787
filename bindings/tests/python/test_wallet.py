"""A short real journey through the generated Python bindings against a
real sandbox process (stdlib only).

Run by scripts/test.d/20-python-ffi.sh with PYTHONPATH at the generated
imwallet.py + library and IMWALLET_SANDBOX_URL at a running
`imwallet-sandbox`. Proves the Wallet object, async methods on the one
runtime, records, the catalog's typed errors (code, retryable, both
languages, request id), cancellation and throwing callbacks.
"""

import asyncio
import json
import os
import tempfile
import unittest
import urllib.request

import imwallet

URL = os.environ["IMWALLET_SANDBOX_URL"]
# Sent with every harness call; the operator endpoints (outbox) require it.
OPERATOR_KEY = os.environ["IMWALLET_SANDBOX_OPERATOR_KEY"]
PASSWORD = "correct horse battery"


def http(method, path, body=None, key=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("X-Api-Key", key)
    req.add_header("X-Sandbox-Operator-Key", OPERATOR_KEY)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"{}")


def newest_code(key, destination, purpose):
    q = destination.replace("+", "%2B").replace("@", "%40")
    messages = http("GET", "/v1/sandbox/outbox?destination=" + q, key=key)["messages"]
    return next(m["code"] for m in messages if m["purpose"] == purpose)


class Progress(imwallet.SyncProgressListener):
    def __init__(self, cancel=None, throw=False):
        self.seen, self.cancel, self.throw = [], cancel, throw

    def on_progress(self, fetched):
        self.seen.append(fetched)
        if self.throw:
            raise RuntimeError("listener bug")
        if self.cancel is not None:
            self.cancel.cancel()


class ThrowingSink(imwallet.LogSink):
    def log(self, record):
        raise RuntimeError("sink bug")


def yuan(minor):
    return imwallet.Money(minor=minor, currency="CNY")


class WalletJourneyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = http("POST", "/v1/apps", {"name": "python-ffi"})["api_key"]
        cls.dir = tempfile.TemporaryDirectory()

    def open(self, name, locale=imwallet.Locale.ZH_CN):
        config = imwallet.WalletConfig(
            data_dir=os.path.join(self.dir.name, name), base_url=URL, api_key=self.key,
            locale=locale, request_timeout_ms=None, pins=[], sync_page_size=1)
        return imwallet.Wallet(config)

    async def sign_up(self, wallet, phone):
        await wallet.request_code(imwallet.CodePurpose.REGISTER, phone)
        code = newest_code(self.key, phone, "register")
        await wallet.register(phone, PASSWORD, code, "Py")
        sent = await wallet.login(phone, PASSWORD)
        self.assertEqual(sent.purpose, imwallet.CodePurpose.LOGIN)
        return await wallet.verify_login(newest_code(self.key, phone, "login"))

    def test_journey_with_typed_errors(self):
        asyncio.run(self.journey())

    async def journey(self):
        wallet = self.open("alice")
        with self.assertRaises(imwallet.WalletFfiError.NotLoggedIn) as ctx:
            await wallet.balances()
        info = ctx.exception.info
        self.assertEqual((info.code, info.retryable, info.locale), ("not_logged_in", False, imwallet.Locale.ZH_CN))
        self.assertEqual(info.user_message, info.user_message_zh_cn)
        self.assertTrue(info.user_message_en and info.doc_url.endswith("#not_logged_in"))

        phone = "+8613900%06d" % (os.getpid() % 1000000)
        profile = await self.sign_up(wallet, phone)
        self.assertEqual(profile.status, imwallet.AccountStatus.ACTIVE)
        card = await wallet.bind_card("4242424242424242", 12, 2030, "PY TESTER")
        self.assertEqual(card.status, imwallet.CardStatus.PENDING_VERIFICATION)
        card = await wallet.verify_card(card.card_id, newest_code(self.key, phone, "bind_card"))
        for minor in (10_000, 20_000, 30_000):
            txn = await wallet.top_up(card.card_id, yuan(minor))
            self.assertEqual(txn.kind, imwallet.TransactionType.TOP_UP)
        balance = await wallet.balance("CNY")
        self.assertEqual(balance.currency, "CNY")
        self.assertGreater(balance.minor, 0)

        # A refused call carries the server's request id.
        with self.assertRaises(imwallet.WalletFfiError.NotFound) as ctx:
            await wallet.transfer(imwallet.TransferTarget.PHONE(phone="+8613000000001"), yuan(100), None)
        self.assertTrue(ctx.exception.info.request_id.startswith("req_"))
        with self.assertRaises(imwallet.WalletFfiError.InvalidInput):
            await wallet.top_up(card.card_id, imwallet.Money(minor=1, currency="XXQ"))

        # Cancelling a sync stops it at a page boundary and keeps the page.
        handle = imwallet.CancelHandle()
        progress = Progress(cancel=handle)
        with self.assertRaises(imwallet.WalletFfiError.Cancelled):
            await wallet.sync_history(progress, handle)
        self.assertEqual(progress.seen, [1])
        # (money calls already cached their own transactions)
        self.assertEqual(len((await wallet.history(50, 0)).items), 3)
        report = await wallet.sync_history(Progress(), None)
        self.assertEqual(report.cached, 3)

        # A throwing listener is a typed error, not a crash.
        with self.assertRaises(imwallet.WalletFfiError.CallbackFailed) as ctx:
            await wallet.sync_history(Progress(throw=True), None)
        self.assertEqual(ctx.exception.callback, "SyncProgressListener")

        wallet.lock()
        with self.assertRaises(imwallet.WalletFfiError.VaultLocked):
            await wallet.history(10, 0)
        with self.assertRaises(imwallet.WalletFfiError.WrongPassword) as ctx:
            await wallet.unlock("not the password")
        self.assertGreater(ctx.exception.attempts_left, 0)
        self.assertIn("密码错误", ctx.exception.info.user_message)
        self.assertIsNone(ctx.exception.info.request_id)
        await wallet.unlock(PASSWORD)
        self.assertEqual(len(await wallet.balances()), 1)

        with self.assertRaises(imwallet.WalletFfiError.CallbackFailed) as ctx:
            imwallet.set_log_sink(ThrowingSink(), imwallet.LogLevel.INFO)
        self.assertEqual(ctx.exception.callback, "LogSink")
        self.assertEqual(ctx.exception.info.code, "callback_failed")
        await wallet.logout()
        self.assertFalse(wallet.is_logged_in())


if __name__ == "__main__":
    unittest.main(verbosity=2)
