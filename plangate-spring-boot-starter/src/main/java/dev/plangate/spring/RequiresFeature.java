package dev.plangate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The method (or every method of the class) runs only for a customer whose plan allows
 * the features: each is {@linkplain dev.plangate.client.Plangate#check checked} before
 * the call, and a refusal is thrown as a {@link PlangateRefusalException} (a web request
 * answers it 402, 403 or 429). Works on any Spring bean: controllers and services.
 *
 * <pre>{@code
 * &#64;RequiresFeature("sso")
 * &#64;GetMapping("/sso/config")
 * SsoConfig ssoConfig() { … }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RequiresFeature {

	/** The features the customer's plan must allow, all of them. */
	String[] value();

}
