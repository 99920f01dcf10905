package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.examples.Examples;
import io.beambridge.examples.SeedModules;
import io.beambridge.node.Node;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example servers of java/examples and their Elixir twins (src/main/elixir), run by
 * one client script on a real Elixir node: once against the twins, compiled on that node,
 * and once against the Java servers, started by rpc on the Java node. Both give the same
 * results, so the pairs are known to behave alike.
 */
class TwinsTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    static final List<String> TWINS = List.of("stack.ex", "counter.ex", "inventory.ex", "hello_server.ex");

    /**
     * The client script: one result per step, with pids replaced by {@code :pid} (the two runs
     * see different ones) and an exit's reason cut to its kind and callback (file and line, and
     * the module's Java or Elixir name, differ).
     */
    static final String CLIENT = """
            Process.flag(:trap_exit, true)
            exit_kind = fn f ->
              try do
                f.()
              catch
                :exit, {{:function_clause, [{_mod, callback, args, _} | _]}, {GenServer, :call, _}} ->
                  {:function_clause, callback, length(args)}
                :exit, {reason, _} -> {:exit, reason}
              end
            end
            run = fn start ->
              {:ok, stack} = start.(Stack, ["a,b"])
              Stack.push(stack, "c")
              popped = [Stack.pop(stack), Stack.pop(stack)]
              stack_state = :sys.get_state(stack)
              {:ok, counter} = start.(Counter, [5])
              Counter.inc(counter)
              Counter.inc(counter)
              count = Counter.get(counter)
              {:ok, inventory} = start.(Inventory, [%{"widget" => 3}])
              reserved = [Inventory.reserve(inventory, "widget", 2), Inventory.reserve(inventory, "widget", 2)]
              Inventory.restock(inventory, "widget", 5)
              stocks = [Inventory.stock(inventory, "widget"), Inventory.stock(inventory, "gadget")]
              inventory_state = :sys.get_state(inventory)
              {:ok, hello} = start.(MyApp.HelloServer, [7])
              greeting = MyApp.HelloServer.hello(hello)
              hello_state = :sys.get_state(hello)
              unknown = exit_kind.(fn -> GenServer.call(stack, :nope) end)
              stack_down = receive do
                {:EXIT, ^stack, {:function_clause, _}} -> :function_clause
                {:EXIT, ^stack, reason} -> reason
              after 5000 -> :no_exit
              end
              [popped: popped, stack_state: stack_state, count: count, reserved: reserved, stocks: stocks,
               inventory_state: inventory_state, greeting: greeting, hello_state: hello_state,
               unknown: unknown, stack_down: stack_down]
            end
            elixir = run.(fn module, args -> apply(module, :start_link, args) end)
            java = run.(fn module, args -> :rpc.call(java_node, module, :start_link, args) end)
            {elixir, java}
            """;

    @Test
    void theJavaServersAnswerTheClientScriptAsTheirElixirTwinsDo() throws IOException {
        Node java = cluster.javaNode("java");
        SeedModules.bind(java);
        Examples.bind(java);
        BeamNode ex = cluster.elixir("ex").start();
        Path sources = Path.of(System.getProperty("beambridge.project.dir"), "java/examples/src/main/elixir");
        for (String twin : TWINS) {
            // compiled from its text on the node (the node may see another file system)
            ex.rpc(io.beambridge.term.Atom.elixir("Code"), io.beambridge.term.Atom.of("compile_string"),
                    Files.readString(sources.resolve(twin)));
        }
        Term both = ex.evalElixir("java_node = :\"" + java.name() + "\"\n" + CLIENT);
        Term.Tuple t = (Term.Tuple) both;
        Term elixir = t.get(0);
        Term javaResult = t.get(1);
        assertTrue(elixir.toString().contains("popped: [\"c\", \"a\"]"), "the Elixir twins ran: " + elixir);
        assertEquals(elixir, javaResult, "Elixir twins: " + elixir + "\nJava servers: " + javaResult);
    }
}
