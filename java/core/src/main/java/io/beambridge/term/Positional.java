package io.beambridge.term;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record that is a plain tuple of its components, without a tag:
 * {@code @Positional record Key(Atom module, long id)} is {@code {MyApp.Server, 123}}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Positional {
}
