package dev.plangate.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The refusals an operation answers beyond those every operation may (bad input, no or a
 * wrong credential, an unknown id in the path as {@link NotFound} knows it, an
 * unacceptable or unsupported media type, a body too large, a reused
 * {@code Idempotency-Key}): the API document lists each under its status, with an
 * example, so that a generated client knows which codes to expect where. On a controller,
 * the refusals each of its operations may answer.
 */
@Documented
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface Refusals {

	ErrorCode[] value();

}
