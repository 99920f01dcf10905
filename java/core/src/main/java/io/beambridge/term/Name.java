package io.beambridge.term;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The Erlang name of an enum constant (the atom it is) or of a record component (its
 * map key), where the default — the Java name in snake case — is not the one wanted:
 * {@code @Name("ok") OKAY} is {@code :ok}; {@code @Name("__meta__") Term meta} is the
 * key {@code :__meta__}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Name {
    String value();
}
