# Reference servers and functions for what the seed lacks. The reference node of the
# differential test runs them in plain Elixir; the Java demo node must bind the same
# module names with the same behaviour (its "twins", specified in JAVA_TWINS.md).
# Every function here is meant to be called by rpc from another node
# (`:rpc.call(node, Beambridge.Demo.Stack, :start, [[1, 2]])`), so each takes and
# returns plain terms only.

defmodule Beambridge.Demo.Keeper do
  @moduledoc """
  Starts something so that it outlives the rpc call that asked for it.

  On a BEAM node a server started by `:rpc.call(node, M, :start_link, args)` is linked
  to erpc's process and dies as soon as the call returns. `apply(m, f, args)` runs
  `m.f(args...)` in a new process of this node that stays alive afterwards (until the
  node stops, or until a process linked to it exits abnormally), and returns what the
  function returned (or raises/exits/throws as it did). So `start_link` through a
  keeper gives a live server linked to a live process, the same on every node.
  """

  def apply(m, f, args) do
    caller = self()
    tag = make_ref()

    spawn(fn ->
      result =
        try do
          {:ok, Kernel.apply(m, f, args)}
        catch
          kind, reason -> {kind, reason, __STACKTRACE__}
        end

      send(caller, {tag, result})

      receive do
        :never_sent -> :ok
      end
    end)

    receive do
      {^tag, {:ok, value}} -> value
      {^tag, {kind, reason, stack}} -> :erlang.raise(kind, reason, stack)
    end
  end
end

defmodule Beambridge.Demo.Stack do
  @moduledoc "The Stack of gen_server.ex's docs: push is a cast, pop a call; pop on [] has no clause."
  use GenServer

  def start_link(default) when is_list(default), do: GenServer.start_link(__MODULE__, default)
  def start(default) when is_list(default), do: GenServer.start(__MODULE__, default)
  def push(pid, element), do: GenServer.cast(pid, {:push, element})
  def pop(pid), do: GenServer.call(pid, :pop)

  @impl true
  def init(stack), do: {:ok, stack}

  @impl true
  def handle_call(:pop, _from, [head | tail]), do: {:reply, head, tail}

  @impl true
  def handle_cast({:push, element}, state), do: {:noreply, [element | state]}
end

defmodule Beambridge.Demo.Bare do
  @moduledoc "A server with `use GenServer` and init only: Elixir's default callbacks for everything else."
  use GenServer

  def start(arg), do: GenServer.start(__MODULE__, arg)
  def start(arg, name), do: GenServer.start(__MODULE__, arg, name: name)

  @impl true
  def init(arg), do: {:ok, arg}
end

defmodule Beambridge.Demo.Inventory do
  @moduledoc "A small domain server: item counts, registered under a name given at start."
  use GenServer

  def start(items, name) when is_map(items), do: GenServer.start(__MODULE__, items, name: name)
  def add(server, item, qty), do: GenServer.call(server, {:add, item, qty})
  def remove(server, item, qty), do: GenServer.call(server, {:remove, item, qty})
  def count(server, item), do: GenServer.call(server, {:count, item})
  def all(server), do: GenServer.call(server, :all)
  def restock(server, item, qty), do: GenServer.cast(server, {:restock, item, qty})

  @impl true
  def init(items), do: {:ok, items}

  @impl true
  def handle_call({:add, item, qty}, _from, items) when is_integer(qty) and qty > 0 do
    items = Map.update(items, item, qty, &(&1 + qty))
    {:reply, {:ok, items[item]}, items}
  end

  def handle_call({:remove, item, qty}, _from, items) when is_integer(qty) and qty > 0 do
    case Map.get(items, item, 0) do
      have when have >= qty -> {:reply, {:ok, have - qty}, Map.put(items, item, have - qty)}
      _ -> {:reply, {:error, :insufficient}, items}
    end
  end

  def handle_call({:count, item}, _from, items), do: {:reply, Map.get(items, item, 0), items}
  def handle_call(:all, _from, items), do: {:reply, items, items}

  @impl true
  def handle_cast({:restock, item, qty}, items), do: {:noreply, Map.update(items, item, qty, &(&1 + qty))}
end

defmodule Beambridge.Demo.Server do
  @moduledoc """
  A server whose every behaviour is asked for by its requests: replies, deferred
  replies, stops, crashes, timeouts, links, monitors, aliases. State:
  `%{value: term, log: [event], notify: nil | pid}`; `log` is oldest first.
  See JAVA_TWINS.md for the complete contract.
  """
  use GenServer

  def start(arg), do: GenServer.start(__MODULE__, arg)
  def start(arg, opts), do: GenServer.start(__MODULE__, arg, opts)
  def start_link(arg), do: GenServer.start_link(__MODULE__, arg)
  def start_link(arg, opts), do: GenServer.start_link(__MODULE__, arg, opts)
  def call(server, request), do: GenServer.call(server, request)
  def call(server, request, timeout), do: GenServer.call(server, request, timeout)
  def cast(server, request), do: GenServer.cast(server, request)

  defp state(value), do: %{value: value, log: [], notify: nil}
  defp log(s, event), do: %{s | log: s.log ++ [event]}

  @impl true
  def init({:stop, reason}), do: {:stop, reason}
  def init(:ignore), do: :ignore
  def init({:raise, message}), do: raise(message)
  def init({:exit, reason}), do: exit(reason)
  def init({:bad, term}), do: term
  def init({:sleep, ms, value}), do: (Process.sleep(ms); {:ok, state(value)})
  def init({:continue, value, cont}), do: {:ok, state(value), {:continue, cont}}
  def init({:timeout, value, ms}), do: {:ok, state(value), ms}
  def init({:hibernate, value}), do: {:ok, state(value), :hibernate}
  def init({:trap_exit, value}), do: (Process.flag(:trap_exit, true); {:ok, state(value)})
  def init(value), do: {:ok, state(value)}

  @impl true
  def handle_call(:ping, _from, s), do: {:reply, :pong, s}
  def handle_call({:echo, x}, _from, s), do: {:reply, x, s}
  def handle_call(:get, _from, s), do: {:reply, s.value, s}
  def handle_call({:put, v}, _from, s), do: {:reply, :ok, %{s | value: v}}
  def handle_call(:log, _from, s), do: {:reply, s.log, s}
  def handle_call(:self, _from, s), do: {:reply, self(), s}
  def handle_call(:from, from, s), do: {:reply, from, s}
  def handle_call({:sleep, ms}, _from, s), do: (Process.sleep(ms); {:reply, :slept, s})
  def handle_call({:reply_later, ms, reply}, from, s) do
    Process.send_after(self(), {:"$reply", from, reply}, ms)
    {:noreply, s}
  end
  def handle_call(:noreply, _from, s), do: {:noreply, s}
  def handle_call({:stop, reason, reply}, _from, s), do: {:stop, reason, reply, s}
  def handle_call({:stop, reason}, _from, s), do: {:stop, reason, s}
  def handle_call({:raise, message}, _from, _s), do: raise(message)
  def handle_call({:raise_argument, message}, _from, _s), do: raise(ArgumentError, message)
  def handle_call({:exit, reason}, _from, _s), do: exit(reason)
  def handle_call({:throw, value}, _from, _s), do: throw(value)
  def handle_call({:return, term}, _from, _s), do: term
  def handle_call({:hibernate, reply}, _from, s), do: {:reply, reply, s, :hibernate}
  def handle_call({:continue, reply, cont}, _from, s), do: {:reply, reply, s, {:continue, cont}}
  def handle_call({:timeout, reply, ms}, _from, s), do: {:reply, reply, s, ms}
  def handle_call({:link, pid}, _from, s), do: {:reply, Process.link(pid), s}
  def handle_call({:unlink, pid}, _from, s), do: {:reply, Process.unlink(pid), s}
  def handle_call({:monitor, target}, _from, s), do: {:reply, Process.monitor(target), s}
  def handle_call({:demonitor, ref}, _from, s), do: {:reply, Process.demonitor(ref, [:flush]), s}
  def handle_call({:trap_exit, on}, _from, s), do: {:reply, Process.flag(:trap_exit, on), s}
  def handle_call({:send, dest, msg}, _from, s), do: (send(dest, msg); {:reply, :ok, s})
  def handle_call({:exit_signal, pid, reason}, _from, s), do: {:reply, Process.exit(pid, reason), s}
  def handle_call({:call, server, request}, _from, s), do: {:reply, relay(server, request, 5000), s}
  def handle_call({:call, server, request, timeout}, _from, s), do: {:reply, relay(server, request, timeout), s}
  def handle_call({:register, name}, _from, s) do
    reply =
      try do
        Process.register(self(), name)
      rescue
        ArgumentError -> {:error, :badarg}
      end

    {:reply, reply, s}
  end
  def handle_call(:alias, _from, s), do: {:reply, :erlang.alias(), s}
  def handle_call({:unalias, alias}, _from, s), do: {:reply, :erlang.unalias(alias), s}
  def handle_call({:notify, pid}, _from, s), do: {:reply, :ok, %{s | notify: pid}}
  def handle_call({:make, kind, n}, _from, s), do: {:reply, make(kind, n), s}

  @impl true
  def handle_cast({:put, v}, s), do: {:noreply, %{s | value: v}}
  def handle_cast({:stop, reason}, s), do: {:stop, reason, s}
  def handle_cast({:raise, message}, _s), do: raise(message)
  def handle_cast({:exit, reason}, _s), do: exit(reason)
  def handle_cast({:sleep, ms}, s), do: (Process.sleep(ms); {:noreply, s})
  def handle_cast({:reply, from, reply}, s), do: (GenServer.reply(from, reply); {:noreply, s})
  def handle_cast({:hibernate}, s), do: {:noreply, s, :hibernate}
  def handle_cast({:timeout, ms}, s), do: {:noreply, s, ms}
  def handle_cast({:continue, cont}, s), do: {:noreply, s, {:continue, cont}}
  def handle_cast(msg, s), do: {:noreply, log(s, {:cast, msg})}

  @impl true
  def handle_info(:timeout, s), do: {:noreply, log(s, :timeout)}
  def handle_info({:stop, reason}, s), do: {:stop, reason, s}
  def handle_info({:"$reply", from, reply}, s), do: (GenServer.reply(from, reply); {:noreply, s})
  def handle_info(msg, s), do: {:noreply, log(s, {:info, msg})}

  @impl true
  def handle_continue({:stop, reason}, s), do: {:stop, reason, s}
  def handle_continue(cont, s), do: {:noreply, log(s, {:continue, cont})}

  @impl true
  def terminate(reason, %{notify: pid}) when is_pid(pid), do: send(pid, {:terminated, self(), reason})
  def terminate(_reason, _s), do: :ok

  defp relay(server, request, timeout) do
    GenServer.call(server, request, timeout)
  catch
    :exit, reason -> {:exit, reason}
  end

  @doc "Terms made on the server, for the large-terms scenarios; see JAVA_TWINS.md."
  def make(:binary, n), do: :binary.list_to_bin(for i <- 0..(n - 1)//1, do: rem(i, 256))
  def make(:list, n), do: Enum.to_list(1..n//1)
  def make(:map, n), do: Map.new(1..n//1, &{&1, -&1})
  def make(:tuple, n), do: List.to_tuple(Enum.to_list(1..n//1))
  def make(:nested, n), do: Enum.reduce(1..n//1, [], fn i, acc -> [i, acc] end)
  def make(:string, n), do: String.duplicate("é", n)
  def make(:integer, n), do: Integer.pow(2, n) + 1
end

defmodule Beambridge.Demo.Functions do
  @moduledoc "Plain functions for rpc and erpc: values, every kind of failure, processes that wait."

  def echo(x), do: x
  def raise_argument(message), do: raise(ArgumentError, message)
  def raise_runtime(message), do: raise(message)
  def divide(a, b), do: div(a, b)
  def error(reason), do: :erlang.error(reason)
  def exit(reason), do: Kernel.exit(reason)
  def throw(value), do: Kernel.throw(value)
  def sleep(ms), do: (Process.sleep(ms); :slept)
  def puts(text), do: IO.puts(text)
  def links(), do: Process.info(self(), :links)

  @doc "Waits for `{:exit, reason}` and exits with it; exits :normal after `ms`."
  def await_exit(ms) do
    receive do
      {:exit, reason} -> Kernel.exit(reason)
    after
      ms -> :ok
    end
  end

  @doc "Sends `{:spawned, self(), links, trap_exit}` to `to`, then as await_exit(ms)."
  def report(to, ms) do
    {:links, links} = Process.info(self(), :links)
    send(to, {:spawned, self(), links})
    await_exit(ms)
  end
end
