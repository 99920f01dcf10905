package io.beambridge.term;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record that is a tagged tuple: {@code @Tagged record Push(String element)} is
 * {@code {:push, element}}; a record without components is the bare atom:
 * {@code @Tagged record Pop()} is {@code :pop}. The tag is the record's simple name in
 * snake case ({@code RestockAll} is {@code :restock_all}) unless given.
 *
 * <p>On a sealed interface, every record it permits is tagged.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Tagged {
    /** The tag; empty for the record's simple name in snake case. */
    String value() default "";
}
