# The client side of the differential test: runs every scenario of
# Differential.Scenarios against one target node (the reference BEAM node or the Java
# demo node), normalizes each result and inspects it; compares two such runs.
# Loaded on the client node by DifferentialTest (the peer and the targets run none of it).

defmodule Differential.Client do
  @moduledoc """
  `run(target, peer, opts)` runs every scenario in order, each in a new process of
  this node, and returns `[{name, inspected_normalized_result, milliseconds}]` (name
  and result binaries; the time the scenario took, which is not compared).

  A scenario's result is what its function returned, `{kind, reason}` when it raised,
  exited or threw, `{:died, reason}` when its process was killed (by a link), and
  `:scenario_timeout` when it did not end within 15 seconds (it is then killed).

  opts: `file_prefix` — a path prefix for files the target writes (`:sys.log_to_file`).
  """

  @scenario_timeout 15_000

  def run(target, peer, opts \\ []) do
    caller = self()
    tag = make_ref()

    # in a process of our own: the rpc worker that called us has the caller's group
    # leader (a process of the test kit's node); scenarios get this node's :user
    spawn(fn ->
      if user = Process.whereis(:user), do: Process.group_leader(self(), user)
      send(caller, {tag, run_all(target, peer, opts)})
    end)

    receive do
      {^tag, results} -> results
    end
  end

  defp run_all(target, peer, opts) do
    ctx = %{target: target, peer: peer, client: node(), file_prefix: Keyword.get(opts, :file_prefix, "/tmp/beambridge-diff")}
    setup(ctx)
    roles = %{target => "target", node() => "client", peer => "peer"}

    for {{name, _needs, fun}, id} <- Enum.with_index(Differential.Scenarios.all(), 1) do
      c = Map.merge(ctx, %{name: name, id: id})
      t0 = System.monotonic_time(:millisecond)
      result = run_one(c, fun)
      millis = System.monotonic_time(:millisecond) - t0
      Differential.Helpers.settle(c)
      {name, result |> Differential.Normalize.normalize(roles) |> show(), millis}
    end
  end

  @doc "Connects this node to the target and the peer, and the peer to the target; syncs :global."
  def setup(c) do
    true = Node.connect(c.target)
    true = Node.connect(c.peer)
    true = :rpc.call(c.peer, Node, :connect, [c.target])
    :ok = :global.sync()
  end

  defp run_one(c, fun) do
    parent = self()

    {pid, mref} =
      spawn_monitor(fn ->
        result =
          try do
            fun.(c)
          catch
            kind, reason -> {kind, reason}
          end

        send(parent, {:scenario_result, self(), result})
      end)

    receive do
      {:scenario_result, ^pid, result} ->
        receive do
          {:DOWN, ^mref, _, _, _} -> result
        end

      {:DOWN, ^mref, _, _, reason} ->
        {:died, reason}
    after
      @scenario_timeout ->
        Process.exit(pid, :kill)
        receive do: ({:DOWN, ^mref, _, _, _} -> :scenario_timeout)
    end
  end

  @doc "How a normalized result is printed: inspect, everything, on one line."
  def show(term) do
    inspect(term, limit: :infinity, printable_limit: :infinity, width: :infinity)
  end
end

defmodule Differential.Normalize do
  @moduledoc """
  Makes a result independent of what is incidental to one run. Each rule here is
  documented in README.md of this directory:

    * pids become `:"#PID<role.n>"`: role is the node it lives on (target, client,
      peer, other), n the order of its first appearance in this scenario's result;
    * references likewise `:"#Ref<role.n>"`; ports `:"#Port"`; funs `:"#Function"`;
    * the atoms naming the target, client and peer nodes become `:"<target>"`,
      `:"<client>"`, `:"<peer>"`;
    * in strings and printable charlists: those node names likewise, and printed pids,
      references, funs and ports (`#PID<0.123.0>`) become `#PID<…>` etc.;
    * a stacktrace (a list of `{module, function, arity_or_args, location}`) keeps its
      first frame without location, `{module, function, arity_or_args}`; the frames
      below it become `:"…"` (file, line and the callers' frames are incidental).
  """

  def normalize(term, roles) do
    Process.put(:norm_roles, roles)
    Process.put(:norm_seen, %{})
    Process.put(:norm_count, %{})
    walk(term)
  end

  defp walk(pid) when is_pid(pid), do: label(pid, "PID")
  defp walk(ref) when is_reference(ref), do: label(ref, "Ref")
  defp walk(port) when is_port(port), do: :"#Port"
  defp walk(fun) when is_function(fun), do: :"#Function"

  defp walk(atom) when is_atom(atom) do
    case Map.fetch(Process.get(:norm_roles), atom) do
      {:ok, role} -> :"<#{role}>"
      :error -> atom
    end
  end

  defp walk(bin) when is_binary(bin) do
    if byte_size(bin) < 65_536 and String.valid?(bin), do: text(bin), else: bin
  end

  defp walk(list) when is_list(list) do
    cond do
      stacktrace?(list) ->
        [{m, f, a, _loc} | _] = list
        [{m, f, walk(a)}, :"…"]

      list != [] and proper?(list) and List.ascii_printable?(list) ->
        list |> List.to_string() |> text() |> String.to_charlist()

      true ->
        walk_list(list)
    end
  end

  defp walk(tuple) when is_tuple(tuple),
    do: tuple |> Tuple.to_list() |> Enum.map(&walk/1) |> List.to_tuple()

  defp walk(map) when is_map(map), do: map |> Map.to_list() |> Enum.map(fn {k, v} -> {walk(k), walk(v)} end) |> Map.new()
  defp walk(other), do: other

  defp walk_list([]), do: []
  defp walk_list([h | t]) when is_list(t), do: [walk(h) | walk_list(t)]
  defp walk_list([h | t]), do: [walk(h) | walk(t)]

  defp proper?([]), do: true
  defp proper?([_ | t]), do: proper?(t)
  defp proper?(_), do: false

  defp stacktrace?([_ | _] = list) do
    proper?(list) and
      Enum.all?(list, fn
        {m, f, a, loc} when is_atom(m) and is_atom(f) and (is_integer(a) or is_list(a)) and is_list(loc) ->
          Keyword.keyword?(loc)

        _ ->
          false
      end)
  end

  defp stacktrace?(_), do: false

  defp label(x, kind) do
    seen = Process.get(:norm_seen)

    case Map.fetch(seen, x) do
      {:ok, l} ->
        l

      :error ->
        role = Map.get(Process.get(:norm_roles), node(x), "other")
        count = Process.get(:norm_count)
        n = Map.get(count, {kind, role}, 0) + 1
        Process.put(:norm_count, Map.put(count, {kind, role}, n))
        l = :"##{kind}<#{role}.#{n}>"
        Process.put(:norm_seen, Map.put(seen, x, l))
        l
    end
  end

  defp text(s) do
    s =
      Enum.reduce(Process.get(:norm_roles), s, fn {node, role}, acc ->
        String.replace(acc, Atom.to_string(node), "<#{role}>")
      end)

    s
    |> String.replace(~r/#PID<\d+\.\d+\.\d+>/, "#PID<…>")
    |> String.replace(~r/#Reference<[\d.]+>/, "#Reference<…>")
    |> String.replace(~r/#Port<[\d.]+>/, "#Port<…>")
    |> String.replace(~r/#Function<[^>]*>/, "#Function<…>")
    |> String.replace(~r/<\d+\.\d+\.\d+>/, "<…>")
  end
end

defmodule Differential.Compare do
  @moduledoc """
  Compares the reference run with the Java run, scenario by scenario, and classifies
  each: identical, deliberate (Differential.Expectations.deliberate/0), pending a Java
  twin (the scenario needs a reference module that Java does not bind yet), known to
  fix (Differential.Expectations.known_differences_to_fix/0), or differing.
  Returns `{report_text, counts, unexpected_names}`.
  """
  alias Differential.Expectations, as: E

  def report(reference, java, title \\ "") do
    ref = Map.new(reference, fn {name, result, _ms} -> {name, result} end)
    jv = Map.new(java, fn {name, result, _ms} -> {name, result} end)
    needs = Map.new(Differential.Scenarios.all(), fn {name, needs, _} -> {name, needs} end)
    names = Enum.map(reference, &elem(&1, 0)) ++ (Enum.map(java, &elem(&1, 0)) -- Enum.map(reference, &elem(&1, 0)))
    missing = E.missing_java_twins()

    classified =
      for name <- names do
        r = Map.get(ref, name, "(no result: scenario not run)")
        j = Map.get(jv, name, "(no result: scenario not run)")
        pending = Enum.filter(Map.get(needs, name, []), &(&1 in missing))

        class =
          cond do
            r == j -> :identical
            Map.has_key?(E.deliberate(), name) -> :deliberate
            pending != [] -> :pending
            Map.has_key?(E.known_differences_to_fix(), name) -> :known
            true -> :differing
          end

        {name, class, r, j, pending}
      end

    count = fn cl -> Enum.count(classified, &(elem(&1, 1) == cl)) end
    counts = Map.new([:identical, :deliberate, :pending, :known, :differing], &{&1, count.(&1)})

    stale =
      for {name, :identical, _, _, _} <- classified,
          Map.has_key?(E.deliberate(), name) or Map.has_key?(E.known_differences_to_fix(), name),
          do: name

    lines =
      [
        "differential test #{title}: #{length(names)} scenarios",
        "  identical #{counts.identical}, deliberate #{counts.deliberate}, pending a Java twin #{counts.pending}," <>
          " known differences to fix #{counts.known}, differing #{counts.differing}",
        ""
      ] ++
        section(classified, :differing, "DIFFERING (not expected: fix Java, or list the scenario with a reason)") ++
        section(classified, :known, "KNOWN DIFFERENCES TO FIX (Expectations.known_differences_to_fix)") ++
        section(classified, :pending, "PENDING A JAVA TWIN (see JAVA_TWINS.md)") ++
        section(classified, :deliberate, "DELIBERATE (Expectations.deliberate)") ++
        if(stale == [], do: [], else: ["listed as different but now identical (remove from the list): " <> Enum.join(stale, ", ")])

    unexpected = for {name, :differing, _, _, _} <- classified, do: name
    {Enum.join(lines, "\n"), counts, unexpected}
  end

  # the known differences grouped by their reason (the cause), in the order of first appearance
  defp section(classified, :known, title) do
    rows = for {name, :known, r, j, _} <- classified, do: {name, r, j}

    case rows do
      [] ->
        []

      rows ->
        groups = rows |> Enum.group_by(fn {name, _, _} -> E.known_differences_to_fix()[name] end)
        order = rows |> Enum.map(fn {name, _, _} -> E.known_differences_to_fix()[name] end) |> Enum.uniq()

        ["== #{title}: #{length(rows)}"] ++
          Enum.flat_map(order, fn why ->
            ["", "=== " <> why <> " (#{length(groups[why])})"] ++
              Enum.flat_map(groups[why], fn {name, r, j} -> ["-- #{name}", "   BEAM: #{r}", "   Java: #{j}"] end)
          end) ++ [""]
    end
  end

  defp section(classified, class, title) do
    case for({name, ^class, r, j, pending} <- classified, do: {name, r, j, pending}) do
      [] ->
        []

      rows ->
        ["== #{title}: #{length(rows)}"] ++
          Enum.flat_map(rows, fn {name, r, j, pending} ->
            why =
              case class do
                :deliberate -> "   why:  " <> E.deliberate()[name]
                :pending -> "   needs: " <> Enum.map_join(pending, ", ", &inspect/1)
                _ -> nil
              end

            ["-- #{name}", "   BEAM: #{r}", "   Java: #{j}"] ++ if(why, do: [why], else: [])
          end) ++ [""]
    end
  end
end

defmodule Differential.Echo do
  @moduledoc "A GenServer on the client: replies `{:echoed, request}` (for servers on the target that call back)."
  use GenServer
  def start(name \\ nil), do: GenServer.start(__MODULE__, nil, if(name, do: [name: name], else: []))
  @impl true
  def init(s), do: {:ok, s}
  @impl true
  def handle_call(request, _from, s), do: {:reply, {:echoed, request}, s}
end

defmodule Differential.Helpers do
  @moduledoc "What scenarios share. Every wait is bounded."

  @doc "`:rpc.call` to the target."
  def rpc(c, m, f, a), do: :rpc.call(c.target, m, f, a)
  def rpc(c, m, f, a, timeout), do: :rpc.call(c.target, m, f, a, timeout)

  @doc "Runs m.f(a) on the target in a process that stays alive (Beambridge.Demo.Keeper)."
  def keep(c, m, f, a), do: rpc(c, Beambridge.Demo.Keeper, :apply, [m, f, a])

  @doc "A name of this scenario's own, the same in every run: `:\"diff_<id>_<suffix>\"`."
  def name(c, suffix \\ "a"), do: :"diff_#{c.id}_#{suffix}"

  @doc "A Beambridge.Demo.Server on the target, not linked: its pid (raises when it cannot start)."
  def server(c, arg \\ :v, opts \\ []) do
    {:ok, pid} = rpc(c, Beambridge.Demo.Server, :start, [arg, opts])
    pid
  end

  def catch_exit(fun) do
    {:ok, fun.()}
  catch
    :exit, reason -> {:exit, reason}
  end

  def catching(fun) do
    {:ok, fun.()}
  catch
    kind, reason -> {kind, reason}
  end

  @doc "Polls `fun` every 10 ms until it returns a truthy value (returned) or `ms` pass (`:await_timeout`)."
  def await(fun, ms \\ 3000), do: await(fun, System.monotonic_time(:millisecond) + ms, :go)

  defp await(fun, deadline, :go) do
    case fun.() do
      v when v not in [nil, false] ->
        v

      _ ->
        if System.monotonic_time(:millisecond) > deadline do
          :await_timeout
        else
          Process.sleep(10)
          await(fun, deadline, :go)
        end
    end
  end

  @doc """
  What `fun` returns, run in a process of its own; `{:no_answer_within, ms}` when it has
  not returned after `ms` (it is killed then): for calls that wait with no timeout of
  their own, such as `:rpc.sbcast/3`.
  """
  def within(ms, fun) do
    task = Task.async(fun)

    case Task.yield(task, ms) || Task.shutdown(task, :brutal_kill) do
      {:ok, result} -> result
      _ -> {:no_answer_within, ms}
    end
  end

  @doc "The DOWN message of monitor `ref` as `{:DOWN, object, reason}`, or `:no_down` after `ms`."
  def down(ref, ms \\ 3000) do
    receive do
      {:DOWN, ^ref, _, object, reason} -> {:DOWN, object, reason}
    after
      ms -> :no_down
    end
  end

  @doc "`:stopped` when `pid` (or name) stops within `ms`, else `:alive`."
  def stops?(server, ms \\ 3000) do
    case down(Process.monitor(server), ms) do
      {:DOWN, _, _} -> :stopped
      :no_down -> :alive
    end
  end

  @doc "The next message, or `:nothing` after `ms`."
  def recv(ms \\ 3000) do
    receive do
      m -> m
    after
      ms -> :nothing
    end
  end

  @doc "Every message in the mailbox now, after waiting `ms` first."
  def flush(ms \\ 0) do
    if ms > 0, do: Process.sleep(ms)
    flush_now([])
  end

  defp flush_now(acc) do
    receive do
      m -> flush_now([m | acc])
    after
      0 -> Enum.reverse(acc)
    end
  end

  @doc "The message matching `{:EXIT, pid, _}` for `pid`, or `:no_exit`."
  def exit_of(pid, ms \\ 3000) do
    receive do
      {:EXIT, ^pid, reason} -> {:EXIT, pid, reason}
    after
      ms -> :no_exit
    end
  end

  @doc "A pid on the target that has ended: a process spawned there that returned at once."
  def dead_pid(c) do
    pid = Node.spawn(c.target, :erlang, :is_atom, [1])
    {:DOWN, _, _} = down(Process.monitor(pid), 5000)
    pid
  end

  @doc "A client process that ends with `reason` when sent `{:exit, reason}`."
  def child do
    spawn(fn ->
      receive do
        {:exit, reason} -> exit(reason)
      end
    end)
  end

  @doc "A client process that has ended."
  def dead_child do
    pid = child()
    ref = Process.monitor(pid)
    send(pid, {:exit, :normal})
    {:DOWN, _, _} = down(ref)
    pid
  end

  @doc "Ends the client process `pid` with `reason` and waits until it has."
  def end_child(pid, reason) do
    ref = Process.monitor(pid)
    send(pid, {:exit, reason})
    down(ref)
  end

  def seed_name(id), do: :"Elixir.MyApp.HelloServerDynamicName_#{id}"

  @doc """
  Starts the seed's MyApp.HelloServerDynamicName for `id` on the target with
  `Node.spawn(target, M, :start_link, [id])`, from a client process that traps exits
  and stays alive (so that a link made to the spawner cannot end the server), and
  waits until the server answers `:hello`. Returns `{name, target}`.
  """
  def seed_dynamic(c, id \\ nil) do
    id = id || c.id
    spawn_from_holder(c, MyApp.HelloServerDynamicName, :start_link, [id])
    server = {seed_name(id), c.target}
    :ok = await_hello(server)
    server
  end

  @doc "The seed's MyApp.HelloServerLocalName on the target (started as seed_dynamic does when missing) and its pid."
  def seed_local(c) do
    case rpc(c, MyApp.HelloServerLocalName, :hello, []) do
      "hello" -> :ok
      _ -> spawn_from_holder(c, MyApp.HelloServerLocalName, :start_link, [0])
    end

    :ok = await_hello({MyApp.HelloServerLocalName, c.target})
    {:error, {:already_started, pid}} = rpc(c, MyApp.HelloServerLocalName, :start_link, [0])
    pid
  end

  @doc "The seed's MyApp.HelloServerGlobalName for `id`, started as seed_dynamic does; its global name."
  def seed_global(c, id \\ nil) do
    id = id || c.id
    spawn_from_holder(c, MyApp.HelloServerGlobalName, :start_link, [id])
    name = {MyApp.HelloServerGlobalName, id}
    :ok = await(fn -> :global.whereis_name(name) != :undefined and :ok end)
    name
  end

  def spawn_from_holder(c, m, f, a) do
    parent = self()

    holder =
      spawn(fn ->
        Process.flag(:trap_exit, true)
        send(parent, {:spawned, self(), Node.spawn(c.target, m, f, a)})

        receive do
          :never_sent -> :ok
        end
      end)

    receive do
      {:spawned, ^holder, pid} -> pid
    end
  end

  def await_hello(server) do
    await(fn ->
      try do
        GenServer.call(server, :hello, 1000) == "hello" and :ok
      catch
        :exit, _ -> false
      end
    end)
  end

  @doc """
  Cuts the target off from this node and from the peer, and waits until both see it
  gone. With three visible nodes, :global's prevent_overlapping_partitions (OTP 25+)
  reacts to the first cut by telling some node to drop one more connection, and which
  one depends on timing; so afterwards this node and the peer are joined again (and
  :global synced), leaving exactly the target cut off.
  """
  def disconnect(c) do
    :rpc.call(c.peer, :erlang, :disconnect_node, [c.target])
    Node.disconnect(c.target)
    await(fn -> c.target not in Node.list([:connected]) and c.target not in peer_sees(c) end)
    await(fn -> Node.connect(c.peer) and global_sync(node(), 5000) end, 10_000)
  end

  @doc """
  Cuts the peer off from the target and from this node, and waits until it is gone;
  then joins this node and the target again if :global cut them too (see disconnect/1).
  """
  def disconnect_peer(c) do
    :rpc.call(c.peer, :erlang, :disconnect_node, [c.target])
    Node.disconnect(c.peer)
    await(fn -> c.peer not in Node.list([:connected]) end)
    await(fn -> Node.connect(c.target) and global_sync(node(), 5000) end, 10_000)
  end

  defp peer_sees(c) do
    case :rpc.call(c.peer, :erlang, :nodes, [:connected], 5000) do
      nodes when is_list(nodes) -> nodes
      _ -> []
    end
  end

  defp connected?(c) do
    connected = Node.list([:connected])
    c.target in connected and c.peer in connected and c.target in peer_sees(c)
  end

  @doc """
  Connects this node and the peer to the target again and waits (at most 20 s in all)
  until they are connected and :global.sync() returns on this node and on the peer.
  """
  def reconnect(c) do
    await(
      fn ->
        Node.connect(c.target)
        Node.connect(c.peer)
        :rpc.call(c.peer, Node, :connect, [c.target], 5000)
        connected?(c) and global_sync(node(), 5000) and global_sync(c.peer, 5000)
      end,
      20_000
    )
  end

  # :global.sync() on `node`, given up after `ms` (it can block while :global settles)
  defp global_sync(node, ms) do
    {pid, ref} = spawn_monitor(fn -> exit({:synced, :rpc.call(node, :global, :sync, [])}) end)

    receive do
      {:DOWN, ^ref, _, _, {:synced, :ok}} -> true
      {:DOWN, ^ref, _, _, _} -> false
    after
      ms ->
        Process.exit(pid, :kill)
        receive do: ({:DOWN, ^ref, _, _, _} -> false)
    end
  end

  @doc "After every scenario: the target, client and peer are connected again."
  def settle(c) do
    if not connected?(c), do: reconnect(c)
  end

  @doc "Runs `fun` with this process's group leader set to a StringIO; returns `{result, text written}`."
  def capture_io(fun) do
    {:ok, io} = StringIO.open("")
    old = Process.group_leader()
    Process.group_leader(self(), io)

    try do
      result = fun.()
      {result, io}
    after
      Process.group_leader(self(), old)
    end
  end

  def io_text(io), do: io |> StringIO.contents() |> elem(1)

  @doc "The atoms created on this node while `fun` runs."
  def atoms_made_by(fun) do
    before = :erlang.system_info(:atom_count)
    fun.()
    :erlang.system_info(:atom_count) - before
  end
end
