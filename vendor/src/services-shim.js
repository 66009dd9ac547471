// What our bundle's packages take from the @jupyterlab/services index. The index
// would also load the contents, session, terminal, settings and other clients,
// which the apps never use.
export * as KernelMessage from '@jupyterlab/services/lib/kernel/messages';
export { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
