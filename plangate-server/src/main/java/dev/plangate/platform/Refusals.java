package dev.plangate.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The refusals an operation answers beyond those every operation may (bad input, no or a
 * wrong credential, an unknown id in the path, an unsupported media type, a reused
 * {@code Idempotency-Key}): the API document lists each under its status, with an
 * example, so that a generated client knows which codes to expect where.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Refusals {

	ErrorCode[] value();

}
