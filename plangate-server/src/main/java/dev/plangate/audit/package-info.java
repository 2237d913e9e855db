/** The audit log: who changed what, when and from where. */
@org.jspecify.annotations.NullMarked
package dev.plangate.audit;
