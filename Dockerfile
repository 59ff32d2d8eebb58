# The GraphQL service. Build: docker build -t smart-account-access .
FROM node:20-bookworm

WORKDIR /app

# Dependencies first, so that source changes do not invalidate this layer.
COPY package.json package-lock.json ./
RUN npm ci

COPY . .
RUN npm run build

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node

EXPOSE 4000
CMD ["node", "dist/src/app/main.js"]
