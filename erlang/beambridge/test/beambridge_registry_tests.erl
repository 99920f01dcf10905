%% Unit tests of the via module's own logic; the end-to-end tests against a real
%% Java node are in java/it.
-module(beambridge_registry_tests).
-include_lib("eunit/include/eunit.hrl").

a_registry_must_name_its_node_test() ->
    ?assertError({badarg, {not_a_registry, only_a_name}},
                 beambridge_registry:lookup(only_a_name, key)).

an_unreachable_registry_resolves_to_undefined_test() ->
    Name = {{'Elixir.MyApp.ProcessRegistry', 'nobody@nowhere'}, {hello, 1}},
    ?assertEqual(undefined, beambridge_registry:whereis_name(Name)).

sending_to_an_unreachable_name_exits_badarg_test() ->
    Name = {{'Elixir.MyApp.ProcessRegistry', 'nobody@nowhere'}, {hello, 1}},
    ?assertExit({badarg, {Name, hi}}, beambridge_registry:send(Name, hi)).
