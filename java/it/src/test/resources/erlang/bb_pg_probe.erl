%% The pg tests' probe on a BEAM node: views of a scope, members, and the timing of
%% joins as seen by pg:monitor_scope (OTP 25.1+). Compiled on the node from this text
%% (ErlangModules.load): no macros.
-module(bb_pg_probe).
-export([view/1, member/0, recorder/1, events/2, timed_joins/4]).

%% Every group of Scope with its members, sorted.
view(Scope) ->
    lists:sort([{G, lists:sort(pg:get_members(Scope, G))} || G <- pg:which_groups(Scope)]).

%% A process that waits until it is told stop (or killed).
member() ->
    spawn(fun() -> receive stop -> ok end end).

%% A process that records every join of Scope with the OS clock (microseconds) when
%% pg's notification reaches it.
recorder(Scope) ->
    Parent = self(),
    Pid = spawn(fun() ->
        {Ref, _} = pg:monitor_scope(Scope),
        Parent ! {recording, self()},
        record(Ref, [])
    end),
    receive {recording, Pid} -> Pid after 5000 -> error(no_recorder) end.

record(Ref, Acc) ->
    receive
        {Ref, join, G, Pids} -> record(Ref, [{os:system_time(microsecond), G, length(Pids)} | Acc]);
        {Ref, leave, _G, _Pids} -> record(Ref, Acc);
        {events, From, Tag} -> From ! {Tag, lists:reverse(Acc)}, record(Ref, Acc);
        reset -> record(Ref, [])
    end.

%% The joins Recorder has seen: [{MicrosecondsOsTime, Group, Count}].
events(Recorder, Timeout) ->
    Tag = make_ref(),
    Recorder ! {events, self(), Tag},
    receive {Tag, Events} -> Events after Timeout -> error(no_events) end.

%% N joins, one at a time, PauseMs apart, each of a new member into group {Tag, I} of
%% Scope; [{I, OsMicrosecondsBeforeTheJoin}].
timed_joins(Scope, Tag, N, PauseMs) ->
    [begin
         P = member(),
         T0 = os:system_time(microsecond),
         ok = pg:join(Scope, {Tag, I}, P),
         timer:sleep(PauseMs),
         {I, T0}
     end || I <- lists:seq(1, N)].
