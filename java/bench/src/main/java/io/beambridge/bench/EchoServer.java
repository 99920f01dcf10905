package io.beambridge.bench;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;

/**
 * The Java twin of {@code beambridge_bench}'s echo gen_server: a call is answered with
 * its request, a cast is counted, and the call {@code :sync} answers the number of
 * casts since the last {@code :sync} ({@code :peek} the same, without starting a new
 * count). It overrides the raw-term callbacks (no clause
 * lookup, no decoding into records), the cheapest form of a server; one instance may
 * serve many servers (the state is the count), so an idle server costs only what the
 * runtime keeps per process.
 */
public final class EchoServer implements GenServer<Long> {
    static final Atom SYNC = Atom.of("sync");
    static final Atom PEEK = Atom.of("peek");
    static final Long ZERO = 0L;

    @Override
    public Init<Long> init() {
        return Init.ok(ZERO);
    }

    @Override
    public Result<Long> handleCall(Term request, From from, Long casts) {
        if (SYNC.equals(request)) {
            return Result.reply(Term.Int.of(casts), ZERO);
        }
        if (PEEK.equals(request)) {
            return Result.reply(Term.Int.of(casts), casts);
        }
        return Result.reply(request, casts);
    }

    @Override
    public Result<Long> handleCast(Term request, Long casts) {
        return Result.noreply(casts + 1);
    }

    @Override
    public Result<Long> handleInfo(Term message, Long casts) {
        return Result.noreply(casts); // as handle_info(_Msg, N) -> {noreply, N}
    }
}
