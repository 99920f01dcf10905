# What the differential test expects to differ between the reference BEAM node and
# the Java demo node. Three lists, each scenario name => reason; Differential.Compare
# reads them. A scenario that differs and is in none of them fails the test.

defmodule Differential.Expectations do
  @doc """
  Deliberate differences: beambridge differs from a BEAM node here on purpose, and
  README.md ("What differs from a BEAM node, and why") says so. Each is a scenario
  name => the reason.
  """
  def deliberate do
    hidden = "the Java node is hidden (it runs no global name server, so it must not be a visible member of the cluster)"
    registry = "the Java registry is reachable from other nodes: the via tuple names :beambridge_registry and {registry, node}, where Elixir's Registry is local to its node"
    funs = "Erlang and Elixir code cannot run in Java: the Java node runs only the functions bound to it (funs, standard modules)"
    linked = "start_link over a synchronous rpc links the server to the caller (on BEAM it is linked to erpc's process and ends when the call returns)"
    trace = "the Java node prints :sys.trace's *DBG* lines through its logger, in Elixir's syntax (BEAM prints them to the server's group leader with Erlang's pretty printer)"
    only_bifs = "rpc reaches only the functions bound on the Java node and the :erlang BIFs it answers; :global's functions are undef there, as any unbound module's"
    to_atom = "the system_limit's first frame is :erlang.binary_to_atom(string, :utf8), as Elixir 1.14's String.to_atom/1 calls it; Elixir 1.15 and later call binary_to_atom/1 (the Java node cannot know the caller's Elixir)"
    release = "a Java node reports as its OTP release the one whose distribution protocol it speaks (27), whatever the caller's release"

    %{
      "names.node_is_hidden_or_visible" => hidden,
      "via.registry_via_tuple" => registry,
      "via.seed_via_tuple" => registry,
      "via.call_the_via_tuple_from_the_client" => registry,
      "via.seed_hello_unknown_id" => registry <> " (the via tuple is part of the noproc reason)",
      "rpc.apply_a_fun" => funs,
      "rpc.elixir_standard_library" => funs,
      "erpc.call_a_fun" => funs,
      "erpc.call_a_standard_module" => funs,
      "sys.replace_state_with_a_fun" => funs,
      "sys.install_a_debug_fun" => funs,
      "calls.seed_server_of_rpc_start_link_stops_when_the_rpc_returns" => linked,
      "calls.seed_server_of_rpc_start_link_then_called" => linked,
      "links.rpc_start_link_links_the_caller" => linked,
      "global.seed_start_link_over_rpc" => linked,
      "via.seed_server_of_rpc_start_link" => linked,
      "rpc.bif_system_info" => release,
      "names.dynamic_process_name_too_long_for_an_atom" => to_atom,
      "sys.trace_prints_to_the_servers_group_leader" => trace,
      "global.global_module_over_rpc" => only_bifs
    }
  end

  @doc """
  The reference modules the Java demo node does not bind yet (JAVA_TWINS.md specifies
  them). A scenario that needs one of these and differs counts as pending, not as a
  failure. Remove a module from this list when its Java twin exists.
  """
  def missing_java_twins, do: []

  @doc """
  Differences measured on the current Java node that are bugs to fix (FINDINGS.md
  groups them by cause). TODO: remove each entry when Java is fixed; the test then
  holds the scenario to the reference.
  """
  def known_differences_to_fix do
    causes = []

    for {why, names} <- causes, name <- names, into: %{}, do: {name, why}
  end
end
