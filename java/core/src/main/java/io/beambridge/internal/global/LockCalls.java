package io.beambridge.internal.global;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of global's locks, as {@code global:set_lock/3}, {@code del_lock/2} and
 * {@code gen_server:multi_call/3} do them, run by the requesting process (the lock's
 * holder: every name server that grants it monitors that process). Blocking; call from a
 * process with a thread of its own.
 */
public final class LockCalls {
    private LockCalls() {}

    /** One node's answer to a multi_call. */
    record Reply(String node, Term value) {}

    /**
     * {@code gen_server:multi_call(Nodes, global_name_server, Request)} with no timeout:
     * the replies of the nodes that answered; a node that is down or goes down is left
     * out (a "bad node"), as multi_call leaves it out of its replies.
     */
    static List<Reply> multiCall(LocalProc self, List<String> nodes, Term request) {
        List<Ref> refs = new ArrayList<>(nodes.size());
        for (String n : nodes) {
            Ref mref = self.monitorWithAlias(Protocol.GNS, n);
            refs.add(mref);
            Term tag = Term.List.improper(List.of(ALIAS), mref);
            self.sendRaw(Protocol.GNS, n, Term.Tuple.of(GenCall.GEN_CALL, Term.Tuple.of(self.self(), tag), request));
        }
        List<Reply> replies = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Ref mref = refs.get(i);
            Object m = self.take(x -> isReply(x, mref) || GenCall.isDown(x, mref), -1);
            self.demonitor(mref);
            if (isReply(m, mref)) {
                replies.add(new Reply(nodes.get(i), ((Term.Tuple) m).get(1)));
            }
        }
        return replies;
    }

    private static final Atom ALIAS = new Atom("alias");

    private static boolean isReply(Object m, Ref mref) {
        return m instanceof Term.Tuple t && t.arity() == 2 && mref.equals(GenCall.aliasOf(t.get(0)));
    }

    /**
     * {@code global:set_lock(Id, Nodes, Retries)}: {@code retries} negative for infinity;
     * between attempts a random sleep that grows with the attempts (up to 8 s).
     * {@code server} is this node's name server, null on a hidden node (which has none).
     */
    public static boolean setLock(LocalProc self, GlobalServer server, Term id, List<String> nodes, long retries) {
        if (nodes.isEmpty()) {
            return true;
        }
        for (int times = 1; ; times++) {
            if (setLockOnNodes(self, server, id, nodes)) {
                return true;
            }
            if (retries == 0) {
                return false;
            }
            randomSleep(self, times);
            if (retries > 0) {
                retries--;
            }
        }
    }

    /**
     * {@code global:set_lock_on_nodes/2}: after a local check (when this node is one of
     * several), {@code {set_lock, Id}} to every node; all {@code true} or the lock is taken
     * back where it was set.
     */
    static boolean setLockOnNodes(LocalProc self, GlobalServer server, Term id, List<String> nodes) {
        if (nodes.isEmpty()) {
            return true;
        }
        if (server != null && nodes.size() > 1 && nodes.contains(self.nodeName()) && !server.canSetLock(id)) {
            return false;
        }
        List<Reply> replies = multiCall(self, nodes, Term.Tuple.of(Protocol.SET_LOCK, id));
        for (Reply r : replies) {
            if (Atom.TRUE.equals(r.value())) {
                continue;
            }
            if (replies.size() > 1) {
                List<String> granted = replies.stream().filter(x -> Atom.TRUE.equals(x.value())).map(Reply::node).toList();
                multiCall(self, granted, Term.Tuple.of(Protocol.DEL_LOCK, id));
            }
            return false;
        }
        return true;
    }

    /** {@code global:del_lock(Id, Nodes)}. */
    public static void delLock(LocalProc self, Term id, List<String> nodes) {
        if (!nodes.isEmpty()) {
            multiCall(self, nodes, Term.Tuple.of(Protocol.DEL_LOCK, id));
        }
    }

    /** global's {@code delete_global_lock/2}: the boss last. */
    static void deleteGlobalLock(LocalProc self, Term lockId, List<String> nodes) {
        String boss = theBoss(nodes);
        List<String> others = new ArrayList<>(nodes);
        others.remove(boss);
        delLock(self, lockId, others);
        delLock(self, lockId, List.of(boss));
    }

    /** {@code the_boss(Nodes) -> lists:max(Nodes)}: the greatest node name (atom order). */
    static String theBoss(List<String> nodes) {
        String boss = null;
        for (String n : nodes) {
            if (boss == null || new Atom(n).compareTo(new Atom(boss)) > 0) {
                boss = n;
            }
        }
        return boss;
    }

    /** {@code get_known()}: the nodes this node's name server knows, by a call to it. */
    static List<String> getKnown(LocalProc self) {
        Term r = GenCall.call(self, Protocol.GNS, self.nodeName(), GenCall.GEN_CALL, Protocol.GET_KNOWN, -1);
        List<String> l = new ArrayList<>();
        for (Term t : ((Term.List) r).elements()) {
            l.add(((Atom) t).name());
        }
        return l;
    }

    /** {@code random_sleep(Times)}: up to 2^Times/8 s, 8 s from the sixth time on. */
    static void randomSleep(LocalProc self, int times) {
        long max = times > 5 ? 8000 : (1L << times) * 1000 / 8;
        long ms = 1 + ThreadLocalRandom.current().nextLong(max);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            if (!self.isAlive()) {
                throw new ExitException(self.exitReason());
            }
            Thread.currentThread().interrupt();
        }
    }
}
