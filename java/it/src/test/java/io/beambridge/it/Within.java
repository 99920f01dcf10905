package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Awaiting a condition on nodes that settle in their own time (names spread, nodes see each other). */
final class Within {
    private Within() {}

    /** Polls {@code condition} until it holds; fails with "{@code what} within {@code limit}" once the limit passes. */
    static void within(Duration limit, BooleanSupplier condition, String what) {
        within(limit, condition, () -> what);
    }

    /** As above, the failure's message made when it fails (it may show the last state seen). */
    static void within(Duration limit, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                fail(what.get() + " within " + limit);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }
}
