/**
 * The Erlang/Elixir side of beambridge, shipped in this jar:
 * {@link io.beambridge.erlang.OtpApplication} copies the {@code beambridge} OTP
 * application (its sources, its beams and its {@code .app}) to a directory, from where a
 * BEAM node loads it ({@code -pa DIR/beambridge/ebin}) or a mix or rebar3 project takes it
 * as a dependency.
 */
package io.beambridge.erlang;
