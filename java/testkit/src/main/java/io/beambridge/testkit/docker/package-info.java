/**
 * BEAM nodes in Docker containers for a {@link io.beambridge.testkit.BeamCluster}:
 * {@link io.beambridge.testkit.docker.BeamContainer}. Needs
 * {@code org.testcontainers:testcontainers} on the test class path (an optional
 * dependency of the kit) and a Docker engine; images are used locally, never pulled.
 */
package io.beambridge.testkit.docker;
