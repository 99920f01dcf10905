%% @doc Java servers in Erlang and Elixir supervision trees.
%%
%% A Java node binds Java code to module names (`Rpc.bind'); a `start_link' bound there
%% starts a Java GenServer linked to the caller when called by a synchronous rpc. This
%% module makes that a child an Elixir or Erlang supervisor can own:
%%
%% ```
%% children = [
%%   {:beambridge, node: :"java@host", module: Counter, args: [0]},
%%   Supervisor.child_spec({:beambridge, node: :"java@host", module: Stack, args: ["a,b"]}, id: :stack)
%% ]
%% Supervisor.start_link(children, strategy: :one_for_one)
%% '''
%%
%% or, by hand, `:beambridge.start_link(:"java@host", Counter, [0])'. The Java server is
%% linked to the calling process (the supervisor): when it crashes, the supervisor restarts
%% it; when the Java node goes away, the link breaks with `noconnection' and the supervisor
%% restarts it as soon as the node is back (`start_link/3' waits for the node up to
%% `connect_timeout', 10 s by default).
-module(beambridge).

-export([start_link/3, start_link/4, child_spec/1]).

-define(CONNECT_TIMEOUT, 10000).

%% @doc As start_link/4 with a 10 s connect timeout.
-spec start_link(node(), module(), [term()]) ->
          {ok, pid()} | ignore | {error, term()}.
start_link(Node, Module, Args) ->
    start_link(Node, Module, Args, #{}).

%% @doc Starts `Module:start_link(Args...)' on the Java node `Node', linked to the calling
%% process, with gen_server's start results: `{ok, Pid}', `ignore', `{error, Reason}'
%% (`{error, {already_started, Pid}}' for a name that is taken, `{error, {nodedown, Node}}'
%% when the node cannot be reached within `connect_timeout' ms, `{error, {undef, ...}}'
%% when the Java node binds no such function).
-spec start_link(node(), module(), [term()], #{connect_timeout => non_neg_integer()}) ->
          {ok, pid()} | ignore | {error, term()}.
start_link(Node, Module, Args, Opts) when is_atom(Node), is_atom(Module), is_list(Args), is_map(Opts) ->
    Deadline = erlang:monotonic_time(millisecond) + maps:get(connect_timeout, Opts, ?CONNECT_TIMEOUT),
    case await_node(Node, Deadline) of
        false ->
            {error, {nodedown, Node}};
        true ->
            try erpc:call(Node, Module, start_link, Args) of
                {ok, Pid} = Ok when is_pid(Pid) -> Ok;
                ignore -> ignore;
                {error, _} = Error -> Error;
                Other -> {error, {bad_return_value, Other}}
            catch
                error:{erpc, noconnection} -> {error, {nodedown, Node}};
                error:{exception, Reason, Stack} -> {error, {Reason, Stack}};
                error:Reason:Stack -> {error, {Reason, Stack}};
                exit:Reason -> {error, Reason};
                throw:Value -> {error, {nocatch, Value}}
            end
    end.

%% @doc A child spec for a Java server: `node', `module', `args' (a keyword list or a map),
%% and optionally `id' (default `{Module, Node}'), `restart', `shutdown', `connect_timeout'.
-spec child_spec([{atom(), term()}] | map()) -> supervisor:child_spec().
child_spec(Opts) when is_list(Opts) ->
    child_spec(maps:from_list(Opts));
child_spec(#{node := Node, module := Module} = Opts) ->
    Args = maps:get(args, Opts, []),
    StartOpts = maps:with([connect_timeout], Opts),
    #{id => maps:get(id, Opts, {Module, Node}),
      start => {?MODULE, start_link, [Node, Module, Args, StartOpts]},
      restart => maps:get(restart, Opts, permanent),
      shutdown => maps:get(shutdown, Opts, 5000),
      type => worker,
      modules => [Module]}.

%% Connected, or connected again before the deadline.
await_node(Node, Deadline) ->
    case net_kernel:connect_node(Node) of
        true ->
            true;
        _ ->
            Left = Deadline - erlang:monotonic_time(millisecond),
            case Left > 0 of
                true ->
                    receive after min(Left, 200) -> ok end,
                    await_node(Node, Deadline);
                false ->
                    false
            end
    end.
