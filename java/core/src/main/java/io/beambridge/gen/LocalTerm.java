package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpOutputStream;

/**
 * A Java object carried in a message between processes of one node: the runtime's
 * internal markers (a GenServer's start and timeout signals), a Java function for
 * {@code sys} replace_state, a Java child spec for {@code start_child}. It never leaves
 * the node: the senders check that the receiver is local; were it encoded anyway, it
 * would appear as the atom {@code '$java_local'}. Equal only to itself.
 */
class LocalTerm extends OtpErlangObject {
    private static final long serialVersionUID = 1L;
    private final transient Object value;

    LocalTerm(Object value) {
        this.value = value;
    }

    Object value() {
        return value;
    }

    @Override
    public String toString() {
        return "#JavaLocal<" + value + ">";
    }

    @Override
    public void encode(OtpOutputStream buf) {
        buf.write_atom("$java_local");
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    protected int doHashCode() {
        return System.identityHashCode(this);
    }
}
