/**
 * {@code :global} names for Java processes: {@link io.beambridge.global.Global}. A hidden
 * Java node registers through the global name server of a connected visible BEAM node;
 * every node of the visible cluster then sees the name, and it goes when the process does.
 *
 * <pre>{@code
 * Global global = Global.of(node);
 * ServerRef name = global.name(Term.tuple(Atom.elixir("MyApp.Server"), 123));   // {:global, {MyApp.Server, 123}}
 * GenServer.start(node, new MyServer(), StartOptions.name(name));
 * }</pre>
 */
package io.beambridge.global;
