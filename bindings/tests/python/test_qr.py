"""Calls the generated Python bindings of imwallet-ffi (stdlib only).

Run by scripts/test.d/20-python-ffi.sh with PYTHONPATH pointing at the
directory that holds the generated imwallet.py and libimwallet_ffi.
Proves the uniffi pipeline end to end: records, enums and typed errors.
"""

import json
import unittest

import imwallet

PIX = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)
EMVCO_CJK = (
    "00020101021229300012D156000000000510A93FO3230Q31280012D1560000000103081234"
    "5678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京"
    "540523.7253031565502016233030412340603***0708A60086670902ME91320016A011223344"
    "9988770708123456786304A13A"
)


class ParseQrTest(unittest.TestCase):
    def test_core_version_is_exported(self):
        self.assertTrue(imwallet.core_version())

    def test_valid_pix_payload_returns_a_record(self):
        p = imwallet.parse_qr(PIX)
        self.assertEqual(p.format, imwallet.QrFormat.EMV_MPM)
        self.assertEqual(p.format_name, "emv_mpm")
        self.assertEqual(p.scheme, "pix")
        self.assertEqual(p.payee_name, "Fulano de Tal")
        self.assertEqual(p.account, "123e4567-e12b-12d1-a456-426655440000")
        self.assertEqual(p.currency, "BRL")
        self.assertIsNone(p.amount)
        details = json.loads(p.details_json)
        self.assertEqual(details["crc"], "1D3D")
        self.assertEqual(details["pix"]["txid"], "***")

    def test_cjk_lengths_cross_the_ffi_intact(self):
        p = imwallet.parse_qr(EMVCO_CJK)
        details = json.loads(p.details_json)
        self.assertEqual(details["language_template"]["merchant_name"], "最佳运输")
        self.assertEqual(p.amount, "23.72")
        self.assertEqual(p.currency, "CNY")

    def test_invalid_payload_raises_the_typed_error(self):
        broken = PIX.replace("Fulano", "Fulana")
        with self.assertRaises(imwallet.QrParseError.Invalid) as ctx:
            imwallet.parse_qr(broken)
        err = ctx.exception
        self.assertEqual(err.kind, imwallet.QrErrorKind.CRC_MISMATCH)
        self.assertEqual(err.offset, 129)
        self.assertEqual(err.tag, "63")
        self.assertIn("CRC", err.detail)
        # The core catalog's entry travels with the error (no copy per shell).
        self.assertEqual(err.info.code, "invalid_payload")
        self.assertFalse(err.info.retryable)
        self.assertTrue(err.info.user_message_en and err.info.user_message_zh_cn)
        self.assertNotEqual(err.info.user_message_en, err.info.user_message_zh_cn)

    def test_unknown_text_is_an_unsupported_format(self):
        with self.assertRaises(imwallet.QrParseError) as ctx:
            imwallet.parse_qr("hello")
        self.assertEqual(ctx.exception.kind, imwallet.QrErrorKind.UNSUPPORTED_FORMAT)
        self.assertIsNone(ctx.exception.tag)


if __name__ == "__main__":
    unittest.main(verbosity=2)
