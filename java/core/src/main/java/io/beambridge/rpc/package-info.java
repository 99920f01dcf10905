/**
 * Remote procedure calls both ways: {@link io.beambridge.rpc.Rpc#call} runs a function on
 * another node as {@code :rpc.call/5} does; {@link io.beambridge.rpc.Rpc#bind} makes Java
 * code callable from other nodes ({@code :rpc.call}, {@code :erpc.call}, {@code :rpc.cast},
 * {@code Node.spawn/4}) under an Erlang module's name.
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="rpc"}
 *
 * <p>A Java exception in a bound function reaches the caller as an Elixir exception it can
 * {@code rescue} ({@code IllegalArgumentException} as {@code ArgumentError}, others as
 * {@code RuntimeError}), with the Java frames as its stack trace. Only what is bound runs:
 * a cookie gives no remote code execution on a Java node.
 */
package io.beambridge.rpc;
