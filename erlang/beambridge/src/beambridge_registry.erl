%% @doc Processes found by key in a registry that lives on a Java node.
%%
%% A beambridge registry is a process on a Java node, modelled on Elixir's
%% `Registry': unique or duplicate keys, any term as a key (composite tuples, no
%% atoms minted), a value per registration. Unlike Elixir's, it accepts processes of
%% any node, and any node reaches it: the registry is named `{RegistryName, Node}'.
%%
%% This module is a via module. A name is `{{RegistryName, Node}, Key}' or, to
%% register with a value, `{{RegistryName, Node}, Key, Value}':
%%
%% ```
%% Name = {via, beambridge_registry, {{'Elixir.MyApp.ProcessRegistry', 'java@host'}, {hello, 123}}},
%% {ok, Pid} = gen_server:start_link(Name, my_server, [], []),
%% Reply = gen_server:call(Name, hello).
%% '''
%%
%% From Elixir:
%%
%% ```
%% name = {:via, :beambridge_registry, {{MyApp.ProcessRegistry, :"java@host"}, {:hello, 123}}}
%% {:ok, pid} = GenServer.start_link(MyServer, [], name: name)
%% GenServer.call(name, :hello)
%% '''
%%
%% A registration ends when its process ends, or when the process's node
%% disconnects from the Java node. When the Java node cannot be reached, names
%% resolve to `undefined' and calls exit `noproc', as for an unregistered name.
-module(beambridge_registry).

%% the via contract
-export([register_name/2, unregister_name/1, whereis_name/1, send/2]).
%% the registry's own API, mirroring Elixir's Registry
-export([register/4, unregister/3, lookup/2, dispatch/3, count/1, keys/2,
         values/3, update_value/4, meta/2, put_meta/3]).

-type registry() :: {Name :: atom(), Node :: node()}.
-type name() :: {registry(), Key :: term()} | {registry(), Key :: term(), Value :: term()}.
-export_type([registry/0, name/0]).

-define(TIMEOUT, 5000).

%%--------------------------------------------------------------------
%% via

%% @doc Registers `Pid' under the key (with the name's value, else `nil').
%% Returns `no' when a unique key is taken.
-spec register_name(name(), pid()) -> yes | no.
register_name({Registry, Key}, Pid) ->
    register_name({Registry, Key, nil}, Pid);
register_name({Registry, Key, Value}, Pid) when is_pid(Pid) ->
    case register(Registry, Key, Pid, Value) of
        {ok, _Owner} -> yes;
        {error, _} -> no
    end.

%% @doc Removes the calling process's registration of the key.
-spec unregister_name(name()) -> ok.
unregister_name({Registry, Key}) ->
    unregister(Registry, Key, self());
unregister_name({Registry, Key, _Value}) ->
    unregister(Registry, Key, self()).

%% @doc The pid registered under a unique key, or `undefined' (also when the
%% registry cannot be reached). Never a process of this node that has ended (the
%% registry may not have heard of it yet).
-spec whereis_name(name()) -> pid() | undefined.
whereis_name({Registry, Key}) ->
    try call(Registry, {whereis, Key}) of
        Pid when is_pid(Pid), node(Pid) =:= node() ->
            case is_process_alive(Pid) of
                true -> Pid;
                false -> undefined
            end;
        Pid when is_pid(Pid) -> Pid;
        _ -> undefined
    catch
        exit:_ -> undefined
    end;
whereis_name({Registry, Key, _Value}) ->
    whereis_name({Registry, Key}).

%% @doc Sends `Msg' to the process registered under the key; exits
%% `{badarg, {Name, Msg}}' when there is none, as `global:send/2' does.
-spec send(name(), term()) -> pid().
send(Name, Msg) ->
    case whereis_name(Name) of
        Pid when is_pid(Pid) ->
            Pid ! Msg,
            Pid;
        undefined ->
            exit({badarg, {Name, Msg}})
    end.

%%--------------------------------------------------------------------
%% registry API

%% @doc Registers `Pid' under `Key' with `Value'. `{ok, RegistryPid}', or for a
%% unique key that is taken `{error, {already_registered, Pid}}'.
%%
%% A unique key held by a process of this node that is no longer alive is free,
%% as in Elixir's `Registry': the registry may not have heard of its end yet (the
%% holder's `DOWN' can still be on its way), so this node, which knows, says so.
-spec register(registry(), term(), pid(), term()) ->
          {ok, pid()} | {error, {already_registered, pid()}}.
register(Registry, Key, Pid, Value) ->
    case call(Registry, {register, Key, Pid, Value}) of
        {error, {already_registered, Holder}} when node(Holder) =:= node() ->
            case is_process_alive(Holder) of
                true -> {error, {already_registered, Holder}};
                false -> call(Registry, {register_replacing, Key, Pid, Value, Holder})
            end;
        Reply ->
            Reply
    end.

%% @doc Removes `Pid''s registrations of `Key'.
-spec unregister(registry(), term(), pid()) -> ok.
unregister(Registry, Key, Pid) ->
    call(Registry, {unregister, Key, Pid}).

%% @doc `[{Pid, Value}]' registered under `Key'.
-spec lookup(registry(), term()) -> [{pid(), term()}].
lookup(Registry, Key) ->
    call(Registry, {lookup, Key}).

%% @doc Sends `Msg' to every process registered under `Key' (a duplicate key
%% reaches them all). The registry sends, so processes of every node get it.
-spec dispatch(registry(), term(), term()) -> ok.
dispatch(Registry, Key, Msg) ->
    call(Registry, {dispatch, Key, Msg}).

%% @doc The number of registrations.
-spec count(registry()) -> non_neg_integer().
count(Registry) ->
    call(Registry, count).

%% @doc The keys `Pid' is registered under.
-spec keys(registry(), pid()) -> [term()].
keys(Registry, Pid) ->
    call(Registry, {keys, Pid}).

%% @doc The values `Pid' registered under `Key'.
-spec values(registry(), term(), pid()) -> [term()].
values(Registry, Key, Pid) ->
    call(Registry, {values, Key, Pid}).

%% @doc Replaces the value of `Pid''s registration of a unique `Key':
%% `{NewValue, OldValue}', or `error' when there is none.
-spec update_value(registry(), term(), pid(), term()) -> {term(), term()} | error.
update_value(Registry, Key, Pid, Value) ->
    call(Registry, {update_value, Key, Pid, Value}).

%% @doc The registry's metadata under `Key': `{ok, Value}' or `error'.
-spec meta(registry(), term()) -> {ok, term()} | error.
meta(Registry, Key) ->
    call(Registry, {meta, Key}).

%% @doc Stores metadata in the registry.
-spec put_meta(registry(), term(), term()) -> ok.
put_meta(Registry, Key, Value) ->
    call(Registry, {put_meta, Key, Value}).

%%--------------------------------------------------------------------

call({Name, Node} = Registry, Request) when is_atom(Name), is_atom(Node) ->
    gen_server:call(Registry, Request, ?TIMEOUT);
call(Registry, _Request) ->
    erlang:error({badarg, {not_a_registry, Registry}}).
