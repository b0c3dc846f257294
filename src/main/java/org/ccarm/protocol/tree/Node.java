package org.ccarm.protocol.tree;

/** A child of an element: another element or a run of text. */
public sealed interface Node permits Element, Text {}
