package io.beambridge.rpc;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.List;

/**
 * One call of an {@link RpcFunction}.
 *
 * @param self     the process the call runs in (a new one per call)
 * @param caller   the calling process of a synchronous call ({@code :rpc.call}, {@code :erpc.call}):
 *                 a server started "linked to the caller" links to it; null for a cast or a spawn
 * @param groupLeader the caller's group leader, where {@code IO.puts} in the caller's code
 *                 would write (its shell, on its node), through Erlang's io protocol; null when
 *                 the call did not say
 * @param module   the module, e.g. {@code :"Elixir.MyApp.HelloServer"}
 * @param function the function
 * @param args     the arguments
 */
public record RpcCall(Proc self, Pid caller, Pid groupLeader, Atom module, Atom function, List<Term> args) {

    /** Argument {@code i}, counting from 0. */
    public Term arg(int i) {
        return args.get(i);
    }

    /**
     * Argument {@code i} read as {@code type}.
     *
     * @throws io.beambridge.term.BadTermException when it does not fit: the caller gets
     *     {@code :function_clause}, as from a BEAM function whose heads do not match
     */
    public <T> T arg(int i, Class<T> type) {
        return args.get(i).as(type);
    }

    /**
     * Starts {@code server} on this node as {@code start_link} from the caller would: for a
     * synchronous call, linked to the {@linkplain #caller() caller} (its parent), so that an
     * Elixir shell or supervisor that called it by rpc owns the server — where a BEAM node
     * would link it to its rpc process, which exits at once; for a cast or a spawn, linked
     * to the process the call runs in, as on BEAM (that process ends normally, which
     * leaves the server running).
     */
    public <S> StartResult startLink(GenServer<S> server, StartOptions options) {
        return caller == null ? GenServer.startLink(self.node(), server, options)
                : GenServer.start(self.node(), server, options.withParent(caller));
    }
}
