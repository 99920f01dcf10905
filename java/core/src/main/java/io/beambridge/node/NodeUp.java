package io.beambridge.node;

import io.beambridge.term.Atom;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;

/**
 * {@code {:nodeup, node, info}}: a connection to {@code node} was made
 * ({@link Node#monitorNodes}). Read a message as one with {@code message.as(NodeUp.class)}.
 *
 * @param node the node
 * @param info {@code [node_type: :visible | :hidden]}
 */
@Tagged("nodeup")
public record NodeUp(Atom node, Term.List info) {
    /** True for a visible (published) node. */
    public boolean visible() {
        return NodeDown.type(info).is("visible");
    }
}
