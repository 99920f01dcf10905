/**
 * OTP's generic behaviours for Java processes, shaped as Elixir's: {@link
 * io.beambridge.gen.GenServer} (callbacks and client API), {@link
 * io.beambridge.gen.Supervisor}, and the {@code sys} protocol ({@link
 * io.beambridge.gen.Sys}), interoperating with BEAM nodes in both directions.
 *
 * <ul>
 *   <li>Callback results: {@link io.beambridge.gen.Init}, {@link io.beambridge.gen.Result},
 *       {@link io.beambridge.gen.Next}; the caller of a call: {@link io.beambridge.gen.From}.
 *   <li>Addressing and naming: {@link io.beambridge.gen.ServerRef} (pid, local name,
 *       {@code {name, node}}, via, global) and {@link io.beambridge.gen.ViaRegistry}.
 *   <li>Starting: {@link io.beambridge.gen.StartOptions}, {@link io.beambridge.gen.StartResult}.
 *   <li>Supervision: {@link io.beambridge.gen.ChildSpec}, {@link io.beambridge.gen.SupervisorFlags},
 *       {@link io.beambridge.gen.Strategy}, {@link io.beambridge.gen.ChildInfo},
 *       {@link io.beambridge.gen.ChildCounts}.
 *   <li>The raw {@code gen:call} protocol: {@link io.beambridge.gen.Gen}.
 * </ul>
 *
 * Servers and supervisors are reactive processes: an idle one holds no thread (about
 * 400 bytes of heap for a small state). Failures surface as
 * {@link io.beambridge.process.ExitException} with the exit reasons Elixir gives.
 */
package io.beambridge.gen;
