package io.beambridge.node;

import io.beambridge.term.Atom;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;

/**
 * {@code {:nodedown, node, info}}: the connection to {@code node} went
 * ({@link Node#monitorNodes}).
 *
 * @param node the node
 * @param info {@code [node_type: :visible | :hidden, nodedown_reason: reason]}; the reasons are
 *             net_kernel's: {@code :connection_closed}, {@code :net_tick_timeout},
 *             {@code :disconnect}, {@code :shutdown}
 */
@Tagged("nodedown")
public record NodeDown(Atom node, Term.List info) {
    /** True for a visible (published) node. */
    public boolean visible() {
        return type(info).is("visible");
    }

    /** Why the connection went. */
    public Atom reason() {
        return value(info, "nodedown_reason") instanceof Atom a ? a : Atom.UNDEFINED;
    }

    static Atom type(Term.List info) {
        return value(info, "node_type") instanceof Atom a ? a : Atom.UNDEFINED;
    }

    private static Term value(Term.List info, String key) {
        for (Term t : info.elements()) {
            if (t instanceof Term.Tuple kv && kv.isTagged(key, 2)) {
                return kv.get(1);
            }
        }
        return null;
    }
}
