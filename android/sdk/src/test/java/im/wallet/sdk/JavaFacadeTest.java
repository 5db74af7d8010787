package im.wallet.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.wallet.core.Card;
import im.wallet.core.CodePurpose;
import im.wallet.core.Money;
import im.wallet.core.Transaction;
import im.wallet.core.TransferTarget;
import im.wallet.sdk.harness.SandboxAdmin;
import im.wallet.sdk.harness.SandboxProcess;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A Java-only app: the CompletableFuture facade against the sandbox process. */
class JavaFacadeTest {
    private static final String PASSWORD = "correct horse battery";

    @Test
    void javaRegistersLogsInReadsBalancesAndGetsTypedErrors() throws Exception {
        try (SandboxProcess sandbox = SandboxProcess.Companion.launch()) {
            SandboxAdmin admin = new SandboxAdmin(sandbox.getBaseUrl(), null).createApp("java-app");
            File dir = Files.createTempDirectory("imwallet-java-").toFile();
            WalletConfig config = WalletConfig.sandbox(admin.getKey(), dir, sandbox.getBaseUrl());
            String phone = "+8613700000001";
            try (WalletFutures wallet = WalletFutures.open(config)) {
                wallet.requestCode(CodePurpose.REGISTER, phone).get(30, TimeUnit.SECONDS);
                wallet.register(phone, PASSWORD, admin.latestCode(phone, "register"), "Java").get(30, TimeUnit.SECONDS);
                wallet.login(phone, PASSWORD).get(30, TimeUnit.SECONDS);
                String userId = wallet.verifyLogin(admin.latestCode(phone, "login")).get(30, TimeUnit.SECONDS).getUserId();
                assertFalse(userId.isEmpty());

                wallet.lock();
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> wallet.unlock("not the password").get(30, TimeUnit.SECONDS));
                WalletException.WrongPassword wrong =
                        assertInstanceOf(WalletException.WrongPassword.class, failed.getCause());
                assertEquals("wrong_password", wrong.getCode());
                assertFalse(wrong.getRetryable());
                assertTrue(wrong.getAttemptsLeft() > 0);
                assertFalse(wrong.getUserMessageZhCn().isEmpty());

                wallet.unlock(PASSWORD).get(30, TimeUnit.SECONDS);
                assertEquals(userId, wallet.profile().get(30, TimeUnit.SECONDS).getUserId());

                // Money from Java: bind and verify a card, top up, read the balance.
                Card card = wallet.bindCard("4242424242424242", 12, 2099, "Java").get(30, TimeUnit.SECONDS);
                wallet.verifyCard(card.getCardId(), admin.latestCode(phone, "bind_card")).get(30, TimeUnit.SECONDS);
                PaymentOutcome outcome = wallet.topUp(card.getCardId(), new Money(10_000L, "CNY")).get(30, TimeUnit.SECONDS);
                Transaction topUp = assertInstanceOf(PaymentOutcome.Succeeded.class, outcome).getTransaction();
                assertEquals(topUp.getBalanceEffect(), wallet.balance("CNY").get(30, TimeUnit.SECONDS));
                assertTrue(wallet.pendingOperations().get(30, TimeUnit.SECONDS).isEmpty());
                // A refusal completes normally, as PaymentOutcome.Failed with the typed exception.
                PaymentOutcome refused = wallet.transfer(new TransferTarget.UserId(userId), new Money(1_000_000L, "CNY"), null)
                        .get(30, TimeUnit.SECONDS);
                WalletException error = assertInstanceOf(PaymentOutcome.Failed.class, refused).getError();
                assertFalse(error.getCode().isEmpty());
                assertFalse(error.getUserMessageEn().isEmpty());
            } finally {
                deleteTree(dir);
            }
        }
    }

    @Test
    void javaRefusesALiveKeyForTheSandbox() {
        assertThrows(IllegalArgumentException.class,
                () -> WalletConfig.sandbox("sk_live_123", new File("unused")));
        assertThrows(IllegalArgumentException.class,
                () -> WalletConfig.live("sk_sandbox_123", List.of(), new File("unused"), "https://api.example.com"));
    }

    private static void deleteTree(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteTree(c);
            }
        }
        f.delete();
    }
}
