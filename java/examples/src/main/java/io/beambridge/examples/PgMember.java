package io.beambridge.examples;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.pg.Pg;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;

/**
 * {@code MyApp.PgMember}: Java processes in the default {@code :pg} scope, for Elixir to
 * find with {@code :pg.get_members/1}.
 * <pre>
 *   {:ok, member} = :rpc.call(:"java@host", MyApp.PgMember, :join, ["chat"])
 *   :pg.get_members("chat")                     #=&gt; [member] (once the scopes met)
 *   send(member, {:ping, self()})               # it answers {:pong, member}
 * </pre>
 * The member runs until it is killed (or its node stops); then it leaves the group on
 * every node.
 */
public final class PgMember {
    private PgMember() {}

    static final Atom MODULE = Atom.elixir("MyApp.PgMember");
    private static final Atom PING = Atom.of("ping");
    private static final Atom PONG = Atom.of("pong");

    /** Starts the default {@code :pg} scope on {@code node} (unless it runs) and binds {@code MyApp.PgMember.join/1}. */
    public static Pg bind(Node node) {
        Pg pg = Pg.start(node);
        Rpc.bind(node, MODULE, Atom.of("join"), 1, c -> Term.tuple(Atom.OK, join(pg, c.arg(0))));
        return pg;
    }

    /**
     * Starts a process that joins {@code group} in {@code pg} and answers {@code {:ping, from}}
     * with {@code {:pong, self()}} sent to {@code from}; returns its pid once it has joined.
     */
    public static Pid join(Pg pg, Term group) {
        Proc member = pg.node().spawn(self -> {
            while (true) {
                if (self.receive() instanceof Term.Tuple t && t.isTagged(PING, 2) && t.get(1) instanceof Pid from) {
                    self.send(from, Term.tuple(PONG, self.self()));
                }
            }
        });
        pg.join(group, member.self());
        return member.self();
    }
}
