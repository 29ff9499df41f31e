namespace Vectron.Rpc;
