package io.beambridge.examples;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.pg.Pg;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;

/**
 * A Java node in a Phoenix.PubSub: the shape of Phoenix.PubSub's pg adapter
 * ({@code Phoenix.PubSub.PG2} in phoenix_pubsub 2.x), on the Java side. Each node of a
 * pubsub named {@code MyApp.PubSub} runs one worker, registered as
 * {@code MyApp.PubSub.Adapter} and member of the pg group {@code MyApp.PubSub.Adapter} in
 * the scope {@code Phoenix.PubSub}, and a registry of local subscribers by topic. A
 * broadcast sends {@code {:forward_to_local, topic, message, Phoenix.PubSub}} to the
 * worker of every other node and hands the message to the local subscribers; a worker
 * hands what it gets to its node's subscribers.
 *
 * <pre>{@code
 * PgPubSub pubsub = PgPubSub.start(node, Atom.elixir("MyApp.PubSub"));
 * pubsub.subscribe(proc.self(), "news");           // Phoenix.PubSub.subscribe(MyApp.PubSub, "news")
 * pubsub.broadcast("news", Term.tuple(Atom.of("hello"), "from java"));
 * }</pre>
 *
 * and on an Elixir node of the same cluster, connected to the Java node:
 * <pre>
 *   Phoenix.PubSub.subscribe(MyApp.PubSub, "news")      # gets what Java broadcasts
 *   Phoenix.PubSub.broadcast(MyApp.PubSub, "news", :hi)  # Java subscribers get :hi
 * </pre>
 * Subscribers get the message itself, as from Phoenix.PubSub's default dispatcher (a
 * custom dispatcher module cannot run on the Java node: its messages are handed out the
 * same way). A subscription ends with its process.
 */
public final class PgPubSub {
    /** The pg scope Phoenix.PubSub uses. */
    public static final Atom SCOPE = Atom.elixir("Phoenix.PubSub");
    private static final Atom FORWARD = Atom.of("forward_to_local");

    private final Node node;
    private final Pg pg;
    private final Atom adapter;
    private final Registry subscribers;
    private final Proc worker;

    private PgPubSub(Node node, Pg pg, Atom adapter, Registry subscribers, Proc worker) {
        this.node = node;
        this.pg = pg;
        this.adapter = adapter;
        this.subscribers = subscribers;
        this.worker = worker;
    }

    /**
     * Starts pubsub {@code name} on {@code node} as {@code {Phoenix.PubSub, name: name}}
     * does: the scope {@code Phoenix.PubSub} (unless it runs), a registry of subscribers
     * registered as {@code name}, and the worker {@code name.Adapter}, which joins its group.
     */
    public static PgPubSub start(Node node, Atom name) {
        Pg pg = Pg.start(node, SCOPE);
        Atom adapter = Atom.of(name.name() + ".Adapter"); // Module.concat(name, "Adapter")
        Registry subscribers = Registry.start(node, name, Registry.Keys.DUPLICATE);
        Proc worker = node.spawn(self -> {
            while (true) {
                // {:forward_to_local, topic, message, dispatcher} from another node's broadcast
                if (self.receive() instanceof Term.Tuple t && t.isTagged(FORWARD, 4)) {
                    subscribers.send(t.get(1), t.get(2));
                }
            }
        });
        worker.register(adapter);
        pg.join(adapter, worker.self());
        return new PgPubSub(node, pg, adapter, subscribers, worker);
    }

    /** Subscribes {@code pid}, a process of any node, to {@code topic} until it ends. */
    public void subscribe(Pid pid, String topic) {
        subscribers.register(topic, pid, Atom.NIL);
    }

    /** Ends {@code pid}'s subscriptions to {@code topic}. */
    public void unsubscribe(Pid pid, String topic) {
        subscribers.unregister(topic, pid);
    }

    /** Sends {@code message} to every subscriber of {@code topic} on every node of the pubsub. */
    public void broadcast(String topic, Object message) {
        Term m = Term.of(message);
        Term forward = Term.tuple(FORWARD, topic, m, SCOPE); // the dispatcher: Phoenix.PubSub's own
        for (Pid member : pg.getMembers(adapter)) {
            if (!member.node().equals(node.name())) {
                worker.send(member, forward);
            }
        }
        subscribers.send(topic, m);
    }

    /** Sends {@code message} to the subscribers of {@code topic} on this node only. */
    public void localBroadcast(String topic, Object message) {
        subscribers.send(topic, Term.of(message));
    }

    /** The pg group of the pubsub's workers, one per node: {@code name.Adapter}. */
    public Atom group() {
        return adapter;
    }

    /** The worker on this node. */
    public Pid worker() {
        return worker.self();
    }
}
