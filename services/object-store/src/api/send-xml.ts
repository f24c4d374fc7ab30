import type { FastifyReply } from 'fastify';

export function sendXml(reply: FastifyReply, xml: string, status = 200): void {
  void reply.code(status).header('content-type', 'application/xml').send(xml);
}
