package im.wallet.sdk

/** Payloads shared by the tests and the benchmark. */
object Payloads {
    /** PIX manual 2.6.3 example, 137 bytes (same as `protocol/benches/qr.rs`). */
    const val PIX: String =
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
}
