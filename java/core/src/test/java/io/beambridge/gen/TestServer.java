package io.beambridge.gen;

import static io.beambridge.gen.Result.noreply;
import static io.beambridge.gen.Result.reply;

import io.beambridge.node.ExitException;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;
import java.time.Duration;

/**
 * A counter GenServer for tests, written as clauses, that reports what happens to a
 * probe process: {@code {:continued, arg}}, {@code {:timeout_fired, n}},
 * {@code {:info, msg}}, {@code {:terminated, reason}}.
 */
class TestServer implements GenServer<Long> {
    // ------------------------------------------------------------------ calls
    /** {@code :get}: replies the count. */
    @Tagged record Get() {}
    /** {@code :inc}: adds one, replies the new count. */
    @Tagged record Inc() {}
    /** {@code :crash}: throws IllegalStateException("boom"). */
    @Tagged record Crash() {}
    /** {@code :later}: replies {@code :late} from another thread. */
    @Tagged record Later() {}
    /** {@code :hold}: keeps the From until a {@link Release} cast. */
    @Tagged record Hold() {}
    /** {@code :continue}: replies {@code :ok} and continues with {@code :after_call}. */
    @Tagged("continue") record ReplyThenContinue() {}
    /** {@code :self_then_timeout0}: sends itself {@code :queued_first}, replies with a zero timeout. */
    @Tagged("self_then_timeout0") record SelfThenTimeout0() {}
    /** {@code :call_self}: calls itself and replies the exit reason. */
    @Tagged record CallSelf() {}
    /** {@code :bad_return}: returns null. */
    @Tagged record BadReturn() {}
    /** {@code :who_calls}: replies the calling process ({@code elem(from, 0)}). */
    @Tagged record WhoCalls() {}
    /** {@code {:stop, reason}}: as a call, stops replying {@code :stopping}; as a cast, stops. */
    @Tagged record Stop(Term reason) {}
    /** {@code {:timeout, millis}}: replies {@code :ok} with that timeout. */
    @Tagged("timeout") record ArmTimeout(long millis) {}
    /** {@code {:sleep, millis}}: sleeps, replies {@code :slept}. */
    @Tagged record Sleep(long millis) {}

    // ------------------------------------------------------------------ casts
    /** {@code {:set, n}}. */
    @Tagged("set") record SetTo(long n) {}
    /** {@code {:release, reply}}: replies to the held caller. */
    @Tagged record Release(Term reply) {}
    /** {@code :reply_from_cast}: returns a reply from a cast (a bad return value). */
    @Tagged record ReplyFromCast() {}

    // ------------------------------------------------------------------ info
    /** {@code :timeout}, the message a timeout delivers. */
    @Tagged("timeout") record TimedOut() {}

    final Pid probe;
    final boolean trapExit;
    private volatile From held;

    TestServer(Pid probe) {
        this(probe, false);
    }

    TestServer(Pid probe, boolean trapExit) {
        this.probe = probe;
        this.trapExit = trapExit;
    }

    void report(Object... items) {
        if (probe != null) {
            Proc.current().send(probe, Term.tuple(items));
        }
    }

    @Override
    public Init<Long> init() {
        if (trapExit) {
            Proc.current().trapExit(true);
        }
        return Init.ok(0L);
    }

    @HandleCall
    Result<Long> get(Get g, Long n) {
        return reply(n, n);
    }

    @HandleCall
    Result<Long> inc(Inc i, Long n) {
        return reply(n + 1, n + 1);
    }

    @HandleCall
    Result<Long> crash(Crash c, Long n) {
        throw new IllegalStateException("boom");
    }

    @HandleCall
    Result<Long> later(Later l, From from, Long n) {
        Thread.ofPlatform().start(() -> from.reply(Atom.of("late")));
        return noreply(n);
    }

    @HandleCall
    Result<Long> hold(Hold h, From from, Long n) {
        held = from;
        return noreply(n);
    }

    @HandleCall
    Result<Long> replyThenContinue(ReplyThenContinue c, Long n) {
        return reply(Atom.OK, n).withContinue(Atom.of("after_call"));
    }

    @HandleCall
    Result<Long> selfThenTimeout0(SelfThenTimeout0 s, Long n) {
        Proc self = Proc.current();
        self.send(self.self(), Atom.of("queued_first"));
        return reply(Atom.OK, n).withTimeout(Duration.ZERO);
    }

    @HandleCall
    Result<Long> callSelf(CallSelf c, Long n) {
        Proc self = Proc.current();
        try {
            GenServer.call(ServerRef.of(self.node(), self.self()), new Get());
            return reply(Atom.of("no_exit"), n);
        } catch (ExitException e) {
            return reply(e.reason(), n);
        }
    }

    @HandleCall
    Result<Long> badReturn(BadReturn b, Long n) {
        return null;
    }

    @HandleCall
    Result<Long> whoCalls(WhoCalls w, From from, Long n) {
        return reply(from.caller(), n);
    }

    @HandleCall
    Result<Long> stop(Stop s, Long n) {
        return Result.stop(s.reason(), Atom.of("stopping"), n);
    }

    @HandleCall
    Result<Long> armTimeout(ArmTimeout t, Long n) {
        return reply(Atom.OK, n).withTimeout(Duration.ofMillis(t.millis()));
    }

    @HandleCall
    Result<Long> sleep(Sleep s, Long n) throws InterruptedException {
        Thread.sleep(s.millis());
        return reply(Atom.of("slept"), n);
    }

    @HandleCast
    Result<Long> set(SetTo s, Long n) {
        return noreply(s.n());
    }

    @HandleCast
    Result<Long> release(Release r, Long n) {
        From f = held;
        held = null;
        f.reply(r.reply());
        return noreply(n);
    }

    @HandleCast
    Result<Long> stopCast(Stop s, Long n) {
        return Result.stop(s.reason(), n);
    }

    @HandleCast
    Result<Long> replyFromCast(ReplyFromCast r, Long n) {
        return reply(Atom.OK, n); // not allowed from a cast: bad_return_value
    }

    @HandleInfo
    Result<Long> timedOut(TimedOut t, Long n) {
        report(Atom.of("timeout_fired"), n);
        return noreply(n);
    }

    @HandleInfo
    Result<Long> info(Term message, Long n) {
        report(Atom.of("info"), message);
        return noreply(n);
    }

    @HandleContinue
    Result<Long> continued(Term arg, Long n) {
        report(Atom.of("continued"), arg);
        return noreply(n);
    }

    @Override
    public void terminate(Term reason, Long n) {
        report(Atom.of("terminated"), reason);
    }
}
