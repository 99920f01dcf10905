package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;

/**
 * A counter GenServer for tests that reports what happens to a probe process:
 * {@code {continued, Arg}}, {@code {timeout_fired, N}}, {@code {info, Msg}},
 * {@code {terminated, Reason}}.
 */
class TestServer implements GenServer<Long> {
    final OtpErlangPid probe;
    final boolean trapExit;
    private volatile From held;

    TestServer(OtpErlangPid probe) {
        this(probe, false);
    }

    TestServer(OtpErlangPid probe, boolean trapExit) {
        this.probe = probe;
        this.trapExit = trapExit;
    }

    void report(Object... items) {
        if (probe != null) {
            Proc.current().send(probe, Terms.tuple(items));
        }
    }

    @Override
    public Init<Long> init() {
        if (trapExit) {
            Proc.current().trapExit(true);
        }
        return Init.ok(0L);
    }

    @Override
    public Result<Long> handleCall(OtpErlangObject request, From from, Long n) throws Exception {
        if (request instanceof OtpErlangAtom a) {
            switch (a.atomValue()) {
                case "get" -> {
                    return Result.reply(n, n);
                }
                case "inc" -> {
                    return Result.reply(n + 1, n + 1);
                }
                case "crash" -> throw new IllegalStateException("boom");
                case "later" -> {
                    Thread.ofPlatform().start(() -> from.reply(Terms.atom("late")));
                    return Result.noreply(n);
                }
                case "hold" -> {
                    held = from;
                    return Result.noreply(n);
                }
                case "continue" -> {
                    return Result.reply(Atoms.OK, n).withContinue(Terms.atom("after_call"));
                }
                case "self_then_timeout0" -> {
                    Proc self = Proc.current();
                    self.send(self.self(), Terms.atom("queued_first"));
                    return Result.reply(Atoms.OK, n).withTimeout(0);
                }
                case "call_self" -> {
                    try {
                        GenServer.call(ServerRef.of(Proc.current().self()), Terms.atom("get"));
                        return Result.reply(Terms.atom("no_exit"), n);
                    } catch (ExitException e) {
                        return Result.reply(e.reason(), n);
                    }
                }
                case "bad_return" -> {
                    return null;
                }
                default -> { }
            }
        }
        if (request instanceof OtpErlangTuple t && t.arity() == 2) {
            switch (Match.atom(t.elementAt(0))) {
                case "stop" -> {
                    return Result.stop(t.elementAt(1), Terms.atom("stopping"), n);
                }
                case "timeout" -> {
                    return Result.reply(Atoms.OK, n).withTimeout(Match.integer(t.elementAt(1)));
                }
                case "sleep" -> {
                    Thread.sleep(Match.integer(t.elementAt(1)));
                    return Result.reply(Terms.atom("slept"), n);
                }
                default -> { }
            }
        }
        return GenServer.super.handleCall(request, from, n);
    }

    @Override
    public Result<Long> handleCast(OtpErlangObject request, Long n) throws Exception {
        if (Match.isTagged(request, "set", 2)) {
            return Result.noreply(Match.integer(((OtpErlangTuple) request).elementAt(1)));
        }
        if (Match.isTagged(request, "release", 2)) {
            From f = held;
            held = null;
            f.reply(((OtpErlangTuple) request).elementAt(1));
            return Result.noreply(n);
        }
        if (Match.isTagged(request, "stop", 2)) {
            return Result.stop(((OtpErlangTuple) request).elementAt(1), n);
        }
        if (Match.isAtom(request, "reply_from_cast")) {
            return Result.reply(Atoms.OK, n); // not allowed: bad_return_value
        }
        return GenServer.super.handleCast(request, n);
    }

    @Override
    public Result<Long> handleInfo(OtpErlangObject message, Long n) {
        if (Atoms.TIMEOUT.equals(message)) {
            report(Terms.atom("timeout_fired"), n);
        } else {
            report(Terms.atom("info"), message);
        }
        return Result.noreply(n);
    }

    @Override
    public Result<Long> handleContinue(Object arg, Long n) {
        report(Terms.atom("continued"), arg);
        return Result.noreply(n);
    }

    @Override
    public void terminate(OtpErlangObject reason, Long n) {
        report(Terms.atom("terminated"), reason);
    }
}
