package io.beambridge.term;

import java.util.Arrays;
import java.util.Objects;

/**
 * A reference ({@code make_ref/0}): unique within its node's incarnation. Monitors and
 * aliases are references.
 *
 * @param node     the node that made it
 * @param creation the incarnation of that node
 * @param ids      its words (3 on current nodes, up to 5); not to be modified
 */
public record Ref(String node, int creation, int[] ids) implements Term {
    public Ref {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(ids, "ids");
        if (ids.length < 1 || ids.length > 5) {
            throw new IllegalArgumentException("a reference has 1 to 5 words, not " + ids.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ref r && r.creation == creation && r.node.equals(node) && Arrays.equals(r.ids, ids);
    }

    @Override
    public int hashCode() {
        return (node.hashCode() * 31 + creation) * 31 + Arrays.hashCode(ids);
    }

    /** {@code #Reference<java@host.0.1.2>}. */
    @Override
    public String toString() {
        return Inspect.inspect(this);
    }
}
