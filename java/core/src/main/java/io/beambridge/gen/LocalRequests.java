package io.beambridge.gen;

/**
 * A server of this package that also takes requests carrying Java objects, from
 * processes of its own node (a supervisor's {@code start_child} with a Java child spec).
 */
interface LocalRequests<S> {
    Result<S> handleLocalCall(Object request, From from, S state) throws Exception;
}
