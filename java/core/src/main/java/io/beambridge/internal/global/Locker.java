package io.beambridge.internal.global;

import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.Proc;
import io.beambridge.node.ProcessBody;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * global's locker ({@code loop_the_locker} in global.erl): the process that, for each peer
 * waiting to be synced, takes the lock {@code {global, lists:sort([MyLocker, HisLocker])}} on
 * the boss of its partition, itself and the peer, and its known nodes, tells the peer's
 * locker ({@code lock_set}), and holds the lock until the name server has exchanged and
 * resolved the names with the peer (it then sends {@code new_nodes} to the partition
 * through the {@link Cancel} it gets, and releases the lock, the boss last).
 *
 * <p>Its state is its own ({@code #multi{}}); the name server talks to it with the local
 * messages below, the peers' lockers through the name server ({@code lock_set} casts).
 */
final class Locker implements ProcessBody {
    private static final Logger log = LoggerFactory.getLogger(Locker.class);

    /** {@code {his_the_locker, HisTheLocker, {Vsn, HisKnown}, HisTag, MyTag}}. */
    record HisTheLocker(Pid locker, int vsn, Term hisTag, Term myTag) {}

    /** {@code {cancel, Node, Tag, Fun}}; a null tag is {@code undefined}, a null fun {@code no_fun}. */
    record Cancel(String node, Term tag, Runnable fun) {}

    /** {@code {add_to_known, Nodes}}. */
    record AddToKnown(List<String> nodes) {}

    /** {@code {remove_from_known, Node}}. */
    record RemoveFromKnown(String node) {}

    /** {@code {get_state, From, Ref}}: what the locker is doing, for {@code global:info()}. */
    record GetState(java.util.concurrent.CompletableFuture<Term> reply) {}

    /** {@code #him{}}: a peer waiting to be synced. */
    private record Him(String node, Pid locker, int vsn, Term myTag, Term hisTag) {}

    private final GlobalServer server;
    private LocalProc self;
    private String me;
    // #multi{}
    private List<Him> local = new ArrayList<>();
    private List<Him> remote = new ArrayList<>();
    private List<String> known = new ArrayList<>();
    private String theBoss;
    private boolean justSynced;

    Locker(GlobalServer server) {
        this.server = server;
    }

    @Override
    public void run(Proc p) {
        self = (LocalProc) p;
        me = self.nodeName();
        self.trapExit(true);
        updateKnownAdd(LockCalls.getKnown(self));
        while (true) {
            Object m = self.take(x -> true, 0);
            if (m == null) {
                long timeout;
                if (local.isEmpty() && remote.isEmpty()) {
                    timeout = -1;
                } else if (justSynced) {
                    timeout = 0;
                } else if (known.isEmpty()) {
                    timeout = 200;
                } else {
                    timeout = Math.min(1000 + 100L * known.size(), 3000);
                }
                justSynced = false;
                m = self.take(x -> true, timeout < 0 ? -1 : timeout * 1_000_000);
                if (m == null) {
                    if (!server.isGlobalLockSet()) {
                        selectNode();
                    }
                    continue;
                }
            }
            message(m);
        }
    }

    // ------------------------------------------------------------------ the_locker_message

    private void message(Object m) {
        switch (m) {
            case HisTheLocker h -> {
                if (h.vsn() <= 4) {
                    log.warn("global: locker of {} speaks protocol {}; ignored", h.locker().node(), h.vsn());
                    return;
                }
                add(new Him(h.locker().node(), h.locker(), h.vsn(), h.myTag(), h.hisTag()));
            }
            case Cancel c -> {
                if (c.tag() != null && c.fun() == null) {
                    removeNode(c.node(), c.tag());
                } else if (c.tag() != null) {
                    log.warn("The global_name_server locker process received an unexpected message: {}", c);
                }
            }
            case AddToKnown a -> updateKnownAdd(a.nodes());
            case RemoveFromKnown r -> updateKnownRemove(r.node());
            case GetState g -> g.reply().complete(state("the_locker_message"));
            case Term.Tuple t when t.arity() >= 4 && Protocol.LOCK_SET.equals(t.get(0)) && t.get(1) instanceof Pid pid ->
                    lockSet(t, pid);
            default -> {
                if (!(m instanceof Term.Tuple t && t.isTagged(Atom.EXIT, 3))) {
                    log.warn("The global_name_server locker process received an unexpected message: {}", m);
                }
            }
        }
    }

    /** {@code {lock_set, Pid, Set, HisKnown[, MyTag]}} from the peer's locker (through the name server). */
    private void lockSet(Term.Tuple t, Pid pid) {
        if (!Atom.TRUE.equals(t.get(2))) {
            return; // false: nothing to do
        }
        String node = pid.node();
        Him him = findNodeTag(node);
        Term myTag = t.arity() == 5 ? t.get(4) : him == null ? null : him.myTag();
        if (him == null || !him.myTag().equals(myTag)) {
            sendLockSet(false, pid, 5, Term.Int.of(0));
            return;
        }
        Term lockId = lockerLockId(pid);
        boolean isLockSet = lockNodesSafely(lockId, List.of());
        sendLockSet(isLockSet, pid, him.vsn(), him.hisTag());
        List<String> known2 = new ArrayList<>();
        known2.add(me);
        known2.addAll(known);
        if (isLockSet) {
            Protocol.castSelf(self, Term.Tuple.of(Protocol.LOCK_IS_SET, new Atom(node), myTag, lockId));
            waitCancelLock(node, lockId, myTag, known2);
            justSynced = true;
            removeNode(node, myTag);
        } else {
            justSynced = false;
        }
    }

    // ------------------------------------------------------------------ select_node

    private void selectNode() {
        boolean useRemote = local.isEmpty();
        List<Him> others = new ArrayList<>();
        for (Him h : useRemote ? remote : local) {
            if (!known.contains(h.node())) {
                others.add(h);
            }
        }
        if (useRemote) {
            remote = others;
        } else {
            local = others;
        }
        if (others.isEmpty()) {
            return;
        }
        Him him = others.get(ThreadLocalRandom.current().nextInt(others.size()));
        List<String> hisNode = List.of(him.node());
        Term lockId = lockerLockId(him.locker());
        if (lockNodesSafely(lockId, hisNode)) {
            List<String> known1 = new ArrayList<>();
            known1.add(me);
            known1.add(him.node());
            known1.addAll(known);
            sendLockSet(true, him.locker(), him.vsn(), him.hisTag());
            lockIsSet(him, him.myTag(), known1, lockId);
        }
    }

    private void sendLockSet(boolean isLockSet, Pid hisTheLocker, int vsn, Term hisTag) {
        Term set = isLockSet ? Atom.TRUE : Atom.FALSE;
        Term knownList = Protocol.atoms(known);
        Term message = vsn < 8 ? Term.Tuple.of(Protocol.LOCK_SET, self.self(), set, knownList)
                : Term.Tuple.of(Protocol.LOCK_SET, self.self(), set, knownList, hisTag);
        if (vsn < 6) {
            self.sendRaw(hisTheLocker, message);
        } else {
            Protocol.cast(server.table(), self.self(), hisTheLocker.node(), message);
        }
    }

    /** {@code {global, lists:sort([self(), Pid])}}: pids in BEAM's term order. */
    private Term lockerLockId(Pid his) {
        Pid mine = self.self();
        List<Term> sorted = mine.compareTo(his) <= 0 ? List.of(mine, his) : List.of(his, mine);
        return Term.Tuple.of(Protocol.GLOBAL, Term.List.of(sorted));
    }

    /**
     * {@code lock_nodes_safely/3}: the boss first, then this node and {@code extra}, then
     * the known nodes; on a refusal what was set is released.
     */
    private boolean lockNodesSafely(Term lockId, List<String> extra) {
        List<String> first = theBoss == null ? List.of() : List.of(theBoss);
        if (!(first.equals(List.of(me)) || server.canSetLock(lockId))) {
            return false;
        }
        if (!LockCalls.setLock(self, server, lockId, first, 0)) {
            return false;
        }
        drainKnownUpdates();
        List<String> second = new ArrayList<>();
        second.add(me);
        second.addAll(extra);
        second.removeAll(first);
        if (!LockCalls.setLock(self, server, lockId, second, 0)) {
            LockCalls.delLock(self, lockId, first);
            return false;
        }
        List<String> rest = new ArrayList<>(known);
        rest.removeAll(first);
        if (!LockCalls.setLock(self, server, lockId, rest, 0)) {
            List<String> soFar = new ArrayList<>(first);
            soFar.addAll(second);
            LockCalls.delLock(self, lockId, soFar);
            return false;
        }
        return true;
    }

    /** {@code update_locker_known/1}: the additions and removals waiting in the mailbox. */
    private void drainKnownUpdates() {
        Object m;
        while ((m = self.take(x -> x instanceof AddToKnown || x instanceof RemoveFromKnown, 0)) != null) {
            if (m instanceof AddToKnown a) {
                updateKnownAdd(a.nodes());
            } else {
                updateKnownRemove(((RemoveFromKnown) m).node());
            }
        }
    }

    private void updateKnownAdd(List<String> nodes) {
        List<String> k = new ArrayList<>(nodes);
        k.addAll(known);
        known = k;
        boss();
    }

    private void updateKnownRemove(String node) {
        known.remove(node);
        boss();
    }

    private void boss() {
        List<String> all = new ArrayList<>(known);
        all.add(me);
        theBoss = LockCalls.theBoss(all);
    }

    /**
     * {@code lock_is_set/5}: waits for the peer's {@code lock_set} (or a cancel). On
     * {@code true} the name server is told and the lock is held until the sync is done.
     */
    private void lockIsSet(Him him, Term myTag, List<String> known1, Term lockId) {
        String node = him.node();
        while (true) {
            Object m = self.take(x -> (x instanceof Term.Tuple t && t.arity() >= 4 && Protocol.LOCK_SET.equals(t.get(0))
                    && t.get(1) instanceof Pid p && p.node().equals(node))
                    || (x instanceof Cancel c && c.node().equals(node) && myTag.equals(c.tag()))
                    || x instanceof GetState, -1);
            if (m instanceof GetState g) {
                g.reply().complete(state("lock_is_set " + node));
                continue;
            }
            if (m instanceof Cancel c) {
                runFun(c.fun());
                LockCalls.deleteGlobalLock(self, lockId, known1);
                removeNode(node, myTag);
                return;
            }
            Term.Tuple t = (Term.Tuple) m;
            boolean current = t.arity() == 4 || myTag.equals(t.get(4));
            if (!current) {
                continue; // an answer to an older attempt
            }
            if (Atom.TRUE.equals(t.get(2))) {
                Protocol.castSelf(self, Term.Tuple.of(Protocol.LOCK_IS_SET, new Atom(node), myTag, lockId));
                waitCancelLock(node, lockId, myTag, known1);
                justSynced = true;
                local.remove(him);
                remote.remove(him);
            } else {
                LockCalls.deleteGlobalLock(self, lockId, known1);
            }
            return;
        }
    }

    /** {@code wait_cancel_lock/6}: holds the lock until the name server cancels (sync done or failed). */
    private void waitCancelLock(String node, Term lockId, Term myTag, List<String> known) {
        Object m;
        while ((m = self.take(x -> (x instanceof Cancel k && k.node().equals(node) && Objects.equals(myTag, k.tag()))
                || x instanceof GetState, -1)) instanceof GetState g) {
            g.reply().complete(state("wait_cancel_lock " + node));
        }
        Cancel c = (Cancel) m;
        runFun(c.fun());
        LockCalls.deleteGlobalLock(self, lockId, known);
    }

    private static void runFun(Runnable fun) {
        if (fun != null) {
            fun.run();
        }
    }

    /** The locker's state ({@code #multi{}}) as {@code global:info()} shows it here. */
    private Term state(String where) {
        java.util.function.Function<List<Him>, Term> hims = l -> Term.List.of(l.stream().map(h -> (Term) Term.Tuple.of(
                new Atom(h.node()), h.locker(), Term.Int.of(h.vsn()), h.myTag(), h.hisTag())).toList());
        return Term.Map.of(java.util.Map.of(new Atom("where"), Term.string(where), new Atom("local"), hims.apply(local),
                new Atom("remote"), hims.apply(remote), new Atom("known"), Protocol.atoms(known), new Atom("the_boss"),
                theBoss == null ? Atom.UNDEFINED : new Atom(theBoss)));
    }

    // ------------------------------------------------------------------ peers waiting

    private Him findNodeTag(String node) {
        for (Him h : local) {
            if (h.node().equals(node)) {
                return h;
            }
        }
        for (Him h : remote) {
            if (h.node().equals(node)) {
                return h;
            }
        }
        return null;
    }

    private void removeNode(String node, Term tag) {
        local = removeNode(local, node, tag);
        remote = removeNode(remote, node, tag);
    }

    /** {@code remove_node2/3}: the first entry of that node with that tag. */
    private static List<Him> removeNode(List<Him> l, String node, Term tag) {
        List<Him> r = new ArrayList<>(l);
        for (int i = 0; i < r.size(); i++) {
            if (r.get(i).node().equals(node) && r.get(i).myTag().equals(tag)) {
                r.remove(i);
                break;
            }
        }
        return r;
    }

    private void add(Him him) {
        if (isNodeLocal(him.node())) {
            local.add(0, him);
        } else {
            remote.add(0, him);
        }
    }

    /** Same host as this one ({@code inet:gethostname()}): such peers are synced first. */
    private static boolean isNodeLocal(String node) {
        String host = node.substring(node.indexOf('@') + 1);
        return host.equals(HOST);
    }

    private static final String HOST = hostName();

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
