package im.wallet.sdk.bench;

import com.sun.jna.Native;

/**
 * JNA direct mapping of the empty C functions in {@code bench/noop.c}
 * ({@code libimwnoop.so}, compiled by {@code bench.sh}): the cheapest call
 * JNA can make, the floor under every uniffi call.
 */
public final class JnaFloor {
    private JnaFloor() {}

    static {
        Native.register("imwnoop");
    }

    /** {@code void imw_noop(void)}. */
    public static native void imw_noop();

    /** {@code int32_t imw_identity_i32(int32_t)}. */
    public static native int imw_identity_i32(int x);
}
