package io.beambridge.gen;

import java.util.Objects;

/**
 * A supervisor's flags: the strategy and the restart intensity. If more than
 * {@code maxRestarts} restarts happen within {@code maxSeconds} seconds, the supervisor
 * terminates all its children and exits with reason {@code shutdown}. Defaults as
 * Elixir's: 3 restarts in 5 seconds.
 *
 * @param strategy    how children are restarted
 * @param maxRestarts the restarts allowed within the period (OTP's intensity), >= 0
 * @param maxSeconds  the period in seconds, >= 1
 */
public record SupervisorFlags(Strategy strategy, int maxRestarts, int maxSeconds) {
    public SupervisorFlags {
        Objects.requireNonNull(strategy, "strategy");
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be >= 0");
        }
        if (maxSeconds < 1) {
            throw new IllegalArgumentException("maxSeconds must be >= 1");
        }
    }

    /** {@code strategy} with the default intensity, 3 restarts in 5 seconds. */
    public static SupervisorFlags of(Strategy strategy) {
        return new SupervisorFlags(strategy, 3, 5);
    }

    /** one_for_one, 3 restarts in 5 seconds. */
    public static SupervisorFlags oneForOne() {
        return of(Strategy.ONE_FOR_ONE);
    }

    /** one_for_all, 3 restarts in 5 seconds. */
    public static SupervisorFlags oneForAll() {
        return of(Strategy.ONE_FOR_ALL);
    }

    /** rest_for_one, 3 restarts in 5 seconds. */
    public static SupervisorFlags restForOne() {
        return of(Strategy.REST_FOR_ONE);
    }

    /** These flags with another intensity. */
    public SupervisorFlags withIntensity(int restarts, int seconds) {
        return new SupervisorFlags(strategy, restarts, seconds);
    }
}
