/**
 * A process registry with composite keys, modelled on Elixir's {@code Registry}, that any
 * node of the cluster reaches: {@link io.beambridge.registry.Registry}. Its names are
 * {@code {:via, :beambridge_registry, {{registry, node}, key}}} — on the Java side a
 * {@link io.beambridge.gen.ServerRef} from {@link io.beambridge.registry.Registry#name},
 * on the Elixir side the via module {@code :beambridge_registry} of the Erlang application.
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="registry"}
 *
 * <p>{@link io.beambridge.registry.RegistryNames} is the via contract seen from one node,
 * for registries of other Java nodes.
 */
package io.beambridge.registry;
