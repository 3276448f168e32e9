/// <reference lib="esnext.disposable" />
// Node 20 has Symbol.asyncDispose but no AsyncDisposableStack (V8 ships it from Node 24); the
// es-shims polyfill installs the spec'd class only where it is missing.
import 'disposablestack/auto'
