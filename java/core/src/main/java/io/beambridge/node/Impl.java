package io.beambridge.node;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Where this package's static entry points find the runtime that implements
 * {@link Node} and {@link Proc}. The runtime lives in hidden packages of this module that
 * depend on this one, never the other way: the two handles are looked up once, by name.
 */
final class Impl {
    private Impl() {}

    /** {@code static Node start(NodeOptions)} of the distribution engine. */
    static final MethodHandle START;
    /** {@code static Proc current()} of the process runtime. */
    static final MethodHandle CURRENT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> engine = Class.forName("io.beambridge.internal.dist.Engine");
            START = lookup.findStatic(engine, "start", MethodType.methodType(engine, NodeOptions.class))
                    .asType(MethodType.methodType(Node.class, NodeOptions.class));
            Class<?> proc = Class.forName("io.beambridge.internal.runtime.LocalProc");
            CURRENT = lookup.findStatic(proc, "current", MethodType.methodType(proc))
                    .asType(MethodType.methodType(Proc.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
