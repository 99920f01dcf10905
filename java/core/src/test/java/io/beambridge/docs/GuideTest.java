package io.beambridge.docs;

import static io.beambridge.gen.Result.noreply;
import static io.beambridge.gen.Result.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.HandleCall;
import io.beambridge.gen.HandleCast;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.gen.Sys;
import io.beambridge.node.Down;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Struct;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The examples of the packages' guides (their package-info pages show these regions with
 * {@code @snippet}), run: so the guides' code compiles and does what they say.
 */
class GuideTest {
    static Node node;

    @BeforeAll
    static void start() throws Exception {
        node = Node.start(NodeOptions.builder("guide@localhost").cookie("guide").build());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // @start region="stack"
    public static final class Stack implements GenServer<List<String>> {
        @Tagged public record Pop() {}                  // :pop
        @Tagged public record Push(String element) {}   // {:push, element}

        private final String elements;

        public Stack(String elements) {
            this.elements = elements;
        }

        @Override
        public Init<List<String>> init() {
            return Init.ok(new ArrayList<>(List.of(elements.split(","))));
        }

        @HandleCall
        Result<List<String>> pop(Pop pop, List<String> stack) {
            return reply(stack.removeFirst(), stack);
        }

        @HandleCast
        Result<List<String>> push(Push push, List<String> stack) {
            stack.addFirst(push.element());
            return noreply(stack);
        }
    }
    // @end

    @Test
    void aGenServerAndItsClient() {
        // @start region="client"
        ServerRef stack = GenServer.start(node, new Stack("a,b")).orElseThrow();
        GenServer.cast(stack, new Stack.Push("c"));
        String top = GenServer.call(stack, new Stack.Pop(), String.class);   // "c"
        Term state = Sys.getState(stack);                                     // ["a", "b"]
        // @end
        assertEquals("c", top);
        assertEquals(Term.list("a", "b"), state);
    }

    @Test
    void startResults() {
        // @start region="start-results"
        Atom name = Atom.elixir("MyApp.Stack");
        switch (GenServer.start(node, new Stack("x"), StartOptions.name(name))) {
            case StartResult.Ok(var stack) -> GenServer.cast(stack, new Stack.Push("y"));
            case StartResult.AlreadyStarted(var stack) -> System.out.println("already running: " + stack.pid());
            case StartResult.Ignore() -> { }
            case StartResult.Failed(var reason) -> throw new IllegalStateException(reason.toString());
        }
        // @end
        assertEquals("y", GenServer.call(ServerRef.local(node, name), new Stack.Pop(), String.class));
        assertEquals(StartResult.AlreadyStarted.class,
                GenServer.start(node, new Stack("x"), StartOptions.name(name)).getClass());
    }

    @Test
    void exitsAreElixirs() {
        // @start region="exits"
        try {
            GenServer.call(ServerRef.local(node, Atom.of("nobody")), Atom.of("hello"));
        } catch (ExitException e) {
            // {:noproc, {GenServer, :call, [:nobody, :hello, 5000]}}
            System.out.println(e.reason());
        }
        // @end
        ExitException e = assertThrows(ExitException.class,
                () -> GenServer.call(ServerRef.local(node, Atom.of("nobody")), Atom.of("hello")));
        assertEquals("{:noproc, {GenServer, :call, [:nobody, :hello, 5000]}}", e.reason().toString());
    }

    // @start region="records"
    @Tagged record Reserve(String sku, long n) {}               // {:reserve, "widget", 2}
    @Struct("MyApp.User") record User(long id, String name) {}   // %MyApp.User{id: 1, name: "ann"}
    record Point(double x, double y) {}                          // %{x: 1.0, y: 2.0}
    enum Level { DEBUG, INFO, NOT_FOUND }                        // :debug, :info, :not_found
    // @end

    @Test
    void javaValuesAsTerms() {
        // @start region="convention"
        Term request = Term.of(new Reserve("widget", 2));
        Reserve back = request.as(Reserve.class);
        Term user = Term.of(new User(1, "ann"));
        Map<String, Long> stock = Term.map("widget", 3).as(new io.beambridge.term.TypeRef<Map<String, Long>>() {});
        // @end
        assertEquals("{:reserve, \"widget\", 2}", request.toString());
        assertEquals(new Reserve("widget", 2), back);
        assertEquals("%MyApp.User{id: 1, name: \"ann\"}", user.toString());
        assertEquals(Map.of("widget", 3L), stock);
        assertEquals(Atom.of("not_found"), Term.of(Level.NOT_FOUND));
        assertEquals("%{x: 1.0, y: 2.0}", Term.of(new Point(1, 2)).toString());
        BadTermException bad = assertThrows(BadTermException.class,
                () -> Term.tuple(Atom.of("reserve"), "widget", "two").as(Reserve.class));
        assertEquals(true, bad.getMessage().contains("\"two\""), bad.getMessage());
    }

    @Test
    void processes() {
        // @start region="processes"
        Proc self = node.mailbox();                          // a process for this thread
        Proc echo = node.spawn(me -> {                       // a process with a body
            Term m = me.receive();
            if (m instanceof Term.Tuple t && t.isTagged("ping", 2) && t.get(1) instanceof Pid from) {
                me.send(from, Term.tuple(Atom.of("pong"), me.self()));
            }
        });
        Ref watch = self.monitor(echo.self());
        self.send(echo.self(), Term.tuple(Atom.of("ping"), self.self()));
        Term pong = self.receive(Duration.ofSeconds(5));     // {:pong, echo}
        Down down = self.receive(Down.class, d -> d.ref().equals(watch), Duration.ofSeconds(5));
        self.close();
        // @end
        assertEquals(Term.tuple(Atom.of("pong"), echo.self()), pong);
        assertEquals(Atom.NORMAL, down.reason());
    }

    @Test
    void aRegistry() {
        // @start region="registry"
        Registry registry = Registry.start(node, Atom.elixir("MyApp.ProcessRegistry"), Registry.Keys.UNIQUE);
        ServerRef name = registry.name(Term.tuple(Atom.elixir("MyApp.Stack"), 123));
        GenServer.start(node, new Stack("a"), StartOptions.name(name));
        String top = GenServer.call(name, new Stack.Pop(), String.class);   // "a"
        // @end
        assertEquals("a", top);
        assertEquals(1, registry.count());
        registry.stop();
    }

    @Test
    void rpcBothWays() throws Exception {
        // @start region="rpc"
        // Elixir: :rpc.call(:"java@host", MyApp.Greeter, :hello, ["ann"])  #=> "hello ann"
        Rpc.bind(node, Atom.elixir("MyApp.Greeter"), Atom.of("hello"), 1,
                call -> "hello " + call.arg(0, String.class));
        Term greeting = Rpc.call(node, node.name(), Atom.elixir("MyApp.Greeter"), Atom.of("hello"), "ann");
        // @end
        assertEquals(Term.string("hello ann"), greeting);
    }
}
