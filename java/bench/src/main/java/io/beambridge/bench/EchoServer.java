package io.beambridge.bench;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;

/**
 * The Java twin of {@code beambridge_bench}'s echo gen_server: a call is answered with
 * its request, a cast is counted, and the call {@code sync} answers the number of
 * casts since the last {@code sync}. One instance may serve many servers (the state is
 * the count).
 */
public final class EchoServer implements GenServer<Long> {
    static final OtpErlangAtom SYNC = new OtpErlangAtom("sync");
    static final Long ZERO = 0L;

    @Override
    public Init<Long> init() {
        return Init.ok(ZERO);
    }

    @Override
    public Result<Long> handleCall(OtpErlangObject request, From from, Long casts) {
        if (SYNC.equals(request)) {
            return Result.reply(new OtpErlangLong(casts), ZERO);
        }
        return Result.reply(request, casts);
    }

    @Override
    public Result<Long> handleCast(OtpErlangObject request, Long casts) {
        return Result.noreply(casts + 1);
    }
}
