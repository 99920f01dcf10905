%% Test helpers for OrderingTest, compiled and loaded on a BEAM node by the test.
-module(bb_ordering).
-export([receiver/3, senders/4, echo/0, burst_counter/2]).

%% Spawns a process that takes Total messages {seq, Id, N}, checks that N counts
%% 0, 1, 2... for each Id, and tells Report {received, Count, OutOfOrder, Millis},
%% or {received, Count, OutOfOrder, timeout} when nothing comes for TimeoutMs.
receiver(Report, Total, TimeoutMs) ->
    spawn(fun() -> recv(Report, Total, #{}, 0, 0, TimeoutMs, erlang:monotonic_time(millisecond)) end).

recv(Report, Total, _Expected, Total, Bad, _TimeoutMs, T0) ->
    Report ! {received, Total, Bad, erlang:monotonic_time(millisecond) - T0};
recv(Report, Total, Expected, Count, Bad, TimeoutMs, T0) ->
    receive
        {seq, Id, N} ->
            Bad1 = case maps:get(Id, Expected, 0) of
                       N -> Bad;
                       _ -> Bad + 1
                   end,
            recv(Report, Total, Expected#{Id => N + 1}, Count + 1, Bad1, TimeoutMs, T0)
    after TimeoutMs ->
        Report ! {received, Count, Bad, timeout}
    end.

%% Spawns Senders processes; sender Id sends {seq, Id, 0..PerSender-1} to To, then
%% tells Report {sent, Id}.
senders(To, Senders, PerSender, Report) ->
    [spawn(fun() -> send_loop(To, Id, 0, PerSender), Report ! {sent, Id} end)
     || Id <- lists:seq(0, Senders - 1)],
    ok.

send_loop(_To, _Id, Max, Max) -> ok;
send_loop(To, Id, N, Max) ->
    To ! {seq, Id, N},
    send_loop(To, Id, N + 1, Max).

%% A registered echo server answering gen calls with the request.
echo() ->
    Pid = spawn(fun Loop() ->
                    receive {'$gen_call', From, R} -> gen:reply(From, R), Loop() end
                end),
    register(bb_echo, Pid),
    Pid.

%% Registered as bb_burst: counts {burst, N, Padding} messages until {burst_end, Total}
%% arrives or nothing comes for IdleMs, then tells Report {burst, Count, OutOfOrder, Total}
%% (Total is none when the end marker never came).
burst_counter(Report, IdleMs) ->
    Pid = spawn(fun() -> burst(Report, IdleMs, 0, 0) end),
    register(bb_burst, Pid),
    Pid.

burst(Report, IdleMs, Count, Bad) ->
    receive
        {burst, N, _Padding} -> burst(Report, IdleMs, Count + 1, if N =:= Count -> Bad; true -> Bad + 1 end);
        {burst_end, Total} -> Report ! {burst, Count, Bad, Total}
    after IdleMs ->
        Report ! {burst, Count, Bad, none}
    end.
